import { applyBp, lineAmount } from "./money.ts";
import type { Level, Policy } from "./params.ts";

export type CatalogClass = "A" | "B" | "C";
export interface LineItem {
  code: string;
  /** 甲 A: within policy; 乙 B: first self-pay share, then within policy; 丙 C: self-paid. */
  class: CatalogClass;
  quantity: number;
  /** Fen. */
  unitPrice: number;
}

export interface Accumulator {
  outpatientDedcUsed: number;
  inpatientDedcUsed: number;
  fundPaid: number;
  admissions: number;
}
export const emptyAccumulator = (): Accumulator => ({
  outpatientDedcUsed: 0,
  inpatientDedcUsed: 0,
  fundPaid: 0,
  admissions: 0,
});

export interface ClaimContext {
  policy: Policy;
  level: Level;
  visitType: "outpatient" | "inpatient";
  employment: "in_service" | "retired";
  acc: Accumulator;
  /** Personal account balance usable for this claim (0 for residents or when not requested). */
  accountAvailable: number;
}

/** The national interface's output fields, integer fen. */
export interface SettlementAmounts {
  medfee_sumamt: number;
  fulamt_ownpay_amt: number;
  preselfpay_amt: number;
  inscp_scp_amt: number;
  act_pay_dedc: number;
  hifp_pay: number;
  acct_pay: number;
  psn_cash_pay: number;
  fund_pay_sumamt: number;
  psn_part_amt: number;
}

export interface SettlementResult extends SettlementAmounts {
  admission_no: number | null;
  /** The accumulators after this claim. */
  after: Accumulator;
}

/**
 * Settles one claim against the person's accumulators. Pure: the caller holds the accumulator row
 * lock and persists `after`. Every amount is a sum of once-rounded lines or a min/difference of
 * integers, so the parts add up exactly.
 */
export function computeSettlement(items: readonly LineItem[], ctx: ClaimContext): SettlementResult {
  const { policy, level, visitType, employment, acc } = ctx;
  let fulamt = 0;
  let preself = 0;
  let inscp = 0;
  for (const it of items) {
    const amount = lineAmount(it.quantity, it.unitPrice);
    if (it.class === "C") fulamt += amount;
    else if (it.class === "B") {
      const pre = applyBp(amount, policy.classBSelfPayBp);
      preself += pre;
      inscp += amount - pre;
    } else inscp += amount;
  }
  const total = fulamt + preself + inscp;
  const after = { ...acc };
  let dedc: number;
  let ratioBp: number;
  let admissionNo: number | null = null;
  if (visitType === "inpatient") {
    admissionNo = acc.admissions + 1;
    const base = policy.inpatient.deductible[level];
    const due = admissionNo > 1 ? applyBp(base, policy.inpatient.subsequentAdmissionBp) : base;
    dedc = Math.min(inscp, due);
    ratioBp = policy.inpatient.ratio[employment][level];
    after.admissions = admissionNo;
    after.inpatientDedcUsed += dedc;
  } else {
    const remaining = Math.max(0, policy.outpatient.deductible - acc.outpatientDedcUsed);
    dedc = Math.min(inscp, remaining);
    ratioBp = policy.outpatient.ratio[employment][level];
    after.outpatientDedcUsed += dedc;
  }
  const ceilingLeft = Math.max(0, policy.ceiling - acc.fundPaid);
  const hifp = Math.min(applyBp(inscp - dedc, ratioBp), ceilingLeft);
  after.fundPaid += hifp;
  const psnPart = total - hifp;
  const acct = Math.min(Math.max(0, ctx.accountAvailable), psnPart);
  return {
    medfee_sumamt: total,
    fulamt_ownpay_amt: fulamt,
    preselfpay_amt: preself,
    inscp_scp_amt: inscp,
    act_pay_dedc: dedc,
    hifp_pay: hifp,
    acct_pay: acct,
    psn_cash_pay: psnPart - acct,
    fund_pay_sumamt: hifp,
    psn_part_amt: psnPart,
    admission_no: admissionNo,
    after,
  };
}

/** What a settlement added to the accumulators; reversal subtracts exactly this. */
export function contribution(
  r: SettlementAmounts & { admission_no: number | null },
  visit: string,
) {
  return {
    outpatientDedcUsed: visit === "outpatient" ? r.act_pay_dedc : 0,
    inpatientDedcUsed: visit === "inpatient" ? r.act_pay_dedc : 0,
    fundPaid: r.hifp_pay,
    admissions: visit === "inpatient" ? 1 : 0,
  };
}

/** Review sampling: deterministic per settlement id so a re-run samples the same ones. */
export function reviewRule(
  id: string,
  total: number,
  review: Policy["review"],
): "amount" | "random" | null {
  if (review.amountThreshold > 0 && total >= review.amountThreshold) return "amount";
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return (h >>> 0) % 10000 < review.sampleBp ? "random" : null;
}
