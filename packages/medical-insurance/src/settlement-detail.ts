import { NotFoundError } from "@zhengyun/core";
import { query } from "@zhengyun/db";
import { withTenant } from "@zhengyun/tenancy";
import { eq, sql } from "drizzle-orm";
import { audit, type MiCtx } from "./context.ts";
import type { LineItem } from "./engine.ts";
import { applyBp, lineAmount } from "./money.ts";
import { maskNationalId } from "./national-id.ts";
import type { Level, Policy } from "./params.ts";
import {
  type MiInstitution,
  miInstitutions,
  miPersons,
  miReviews,
  miSettlements,
} from "./schema.ts";
import { type SettlementOutput, toOutput } from "./settle.ts";

/** One claim line as the engine split it (fen). */
export interface DetailLine extends LineItem {
  amount: number;
  fulamtOwnpay: number;
  preselfpay: number;
  inscp: number;
}

/** How the pooled fund's payment came about (fen and basis points). */
export interface Breakdown {
  /** `admission`: this admission's deductible; `yearly`: the outpatient deductible of the year. */
  deductibleKind: "admission" | "yearly";
  deductibleDue: number;
  deductibleApplied: number;
  /** Within-policy amount above the deductible. */
  eligible: number;
  ratioBp: number;
  /** What the ratio alone would pay. */
  byRatio: number;
  ceiling: number;
  /** What the annual ceiling cut from `byRatio` (0 when the ceiling was not reached). */
  ceilingCut: number;
}

export interface SettlementDetail {
  settlement: SettlementOutput & {
    externalRef: string | null;
    batchId: string | null;
    settledAt: Date;
    settledBy: string | null;
    reversedAt: Date | null;
    reversedBy: string | null;
    reversalReason: string | null;
  };
  person: {
    id: string;
    name: string;
    nationalId: string;
    scheme: "310" | "390";
    employment: "in_service" | "retired";
  } | null;
  institution: Pick<MiInstitution, "code" | "name" | "level" | "type"> | null;
  lines: DetailLine[];
  /** Null when no parameters are in force for the visit date any more. */
  breakdown: Breakdown | null;
  review: {
    rule: "random" | "amount";
    status: "pending" | "approved" | "rejected";
    reasonCode: string | null;
    note: string | null;
    reviewerId: string | null;
    decidedAt: Date | null;
  } | null;
}

/**
 * One settlement with its claim lines, the deductible/ratio/ceiling breakdown, who settled it and
 * its reversal. The person's name and masked ID are personal data: the read is audited
 * (`mi.settlement.read`). The ratio is the one for the person's current employment (a person who
 * retired since the claim shows the retiree ratio).
 */
export function getSettlement(ctx: MiCtx, id: string): Promise<SettlementDetail> {
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const [s] = await tx.select().from(miSettlements).where(eq(miSettlements.id, id));
    if (!s) throw new NotFoundError(`No settlement "${id}"`);
    const [[p], [inst], [review], policies] = await Promise.all([
      tx.select().from(miPersons).where(eq(miPersons.id, s.personId)),
      tx.select().from(miInstitutions).where(eq(miInstitutions.code, s.institutionCode)),
      tx.select().from(miReviews).where(eq(miReviews.settlementId, s.id)),
      query<{ scheme: string; params: Policy }>(
        tx,
        sql`select distinct on (scheme) scheme, params from mi_parameters
        where year = ${s.year} and effective_from <= ${s.visitDate}
        order by scheme, effective_from desc`,
      ),
      audit(tx, ctx, "mi.settlement.read", "mi_settlement", s.id, { personId: s.personId }),
    ]);
    const policy = p && policies.find((r) => r.scheme === p.scheme)?.params;
    const items = s.items as LineItem[];
    return {
      settlement: {
        ...toOutput(s, review?.rule ?? null),
        externalRef: s.externalRef,
        batchId: s.batchId,
        settledAt: s.settledAt,
        settledBy: s.settledBy,
        reversedAt: s.reversedAt,
        reversedBy: s.reversedBy,
        reversalReason: s.reversalReason,
      },
      person: p
        ? {
            id: p.id,
            name: p.name,
            nationalId: maskNationalId(p.nationalId),
            scheme: p.scheme,
            employment: p.employment,
          }
        : null,
      institution: inst
        ? { code: inst.code, name: inst.name, level: inst.level, type: inst.type }
        : null,
      lines: items.map((it) => splitLine(it, policy?.classBSelfPayBp ?? 0)),
      breakdown: policy && p && inst ? breakdown(s, policy, inst.level, p.employment) : null,
      review: review
        ? {
            rule: review.rule,
            status: review.status,
            reasonCode: review.reasonCode,
            note: review.note,
            reviewerId: review.reviewerId,
            decidedAt: review.decidedAt,
          }
        : null,
    };
  });
}

/** A line split the way the engine splits it (same rounding, once per line). */
function splitLine(it: LineItem, classBSelfPayBp: number): DetailLine {
  const amount = lineAmount(it.quantity, it.unitPrice);
  const pre = it.class === "B" ? applyBp(amount, classBSelfPayBp) : 0;
  return {
    ...it,
    amount,
    fulamtOwnpay: it.class === "C" ? amount : 0,
    preselfpay: pre,
    inscp: it.class === "C" ? 0 : amount - pre,
  };
}

function breakdown(
  s: typeof miSettlements.$inferSelect,
  policy: Policy,
  level: Level,
  employment: "in_service" | "retired",
): Breakdown {
  const inpatient = s.visitType === "inpatient";
  const base = policy.inpatient.deductible[level];
  const due = inpatient
    ? (s.admissionNo ?? 1) > 1
      ? applyBp(base, policy.inpatient.subsequentAdmissionBp)
      : base
    : policy.outpatient.deductible;
  const ratioBp = (inpatient ? policy.inpatient : policy.outpatient).ratio[employment][level];
  const eligible = s.inscpScpAmt - s.actPayDedc;
  const byRatio = applyBp(eligible, ratioBp);
  return {
    deductibleKind: inpatient ? "admission" : "yearly",
    deductibleDue: due,
    deductibleApplied: s.actPayDedc,
    eligible,
    ratioBp,
    byRatio,
    ceiling: policy.ceiling,
    ceilingCut: Math.max(0, byRatio - s.hifpPay),
  };
}
