import {
  ConflictError,
  NotFoundError,
  newId,
  PreconditionFailedError,
  ValidationError,
} from "@zhengyun/core";
import { query, type Tx } from "@zhengyun/db";
import { recordUsage } from "@zhengyun/jobs/outbox";
import { withTenant } from "@zhengyun/tenancy";
import { and, eq, sql } from "drizzle-orm";
import { type Claim, type ClaimInput, claimSchema } from "./claim.ts";
import { audit, type MiCtx, parseInput } from "./context.ts";
import {
  type Accumulator,
  computeSettlement,
  contribution,
  emptyAccumulator,
  reviewRule,
  type SettlementResult,
} from "./engine.ts";
import { activeInstitution } from "./institutions.ts";
import { parseNationalId } from "./national-id.ts";
import type { Policy } from "./params.ts";
import {
  type MiSettlement,
  miAccumulators,
  miPersons,
  miReviews,
  miSettlements,
} from "./schema.ts";

export interface SettlementOutput extends Omit<SettlementResult, "after"> {
  setl_id: string | null;
  person_id: string;
  institution_code: string;
  visit_type: "outpatient" | "inpatient";
  date: string;
  status: "preview" | "settled" | "reversed";
  review: "amount" | "random" | null;
}

/**
 * Everything a claim needs, in one round trip: institution, person (row-locked when committing),
 * the parameters in force for both schemes, and the person's year-to-date accumulators, sent as
 * one pipeline. Postgres runs them in order and, in READ COMMITTED, gives each statement a fresh
 * snapshot: the accumulator read starts once the person lock is granted, so it sees whatever the
 * previous holder of that lock (settlement, reversal, batch chunk) committed. Every writer of the
 * accumulators takes the person lock first, so that lock alone serialises one person's claims and
 * claims of different persons never wait on each other.
 */
async function load(tx: Tx, c: Claim, lock: boolean) {
  const year = Number(c.date.slice(0, 4));
  const who = c.personId
    ? eq(miPersons.id, c.personId)
    : eq(miPersons.nationalId, parseNationalId(c.nationalId ?? "").id);
  const personQ = tx.select().from(miPersons).where(who);
  const [inst, [p], policies, [acc]] = await Promise.all([
    activeInstitution(tx, c.institutionCode),
    lock ? personQ.for("update") : personQ,
    query<{ scheme: string; params: Policy }>(
      tx,
      sql`select distinct on (scheme) scheme, params from mi_parameters
      where year = ${year} and effective_from <= ${c.date} order by scheme, effective_from desc`,
    ),
    tx
      .select()
      .from(miAccumulators)
      .where(
        and(
          eq(miAccumulators.year, year),
          c.personId
            ? eq(miAccumulators.personId, c.personId)
            : eq(
                miAccumulators.personId,
                sql`(select ${miPersons.id} from ${miPersons} where ${who})`,
              ),
        ),
      ),
  ]);
  if (!p) {
    throw new ValidationError("Unknown insured person", [
      { path: c.personId ? "personId" : "nationalId", message: "not insured here" },
    ]);
  }
  if (p.status !== "active") throw new ConflictError(`The insured person is ${p.status}`);
  const policy = policies.find((r) => r.scheme === p.scheme)?.params;
  if (!policy) throw new PreconditionFailedError(`No ${p.scheme} parameters in force on ${c.date}`);
  const { personId: _, year: __, ...ytd } = acc ?? { personId: p.id, year, ...emptyAccumulator() };
  return { inst, p, policy, year, acc: ytd as Accumulator, existed: acc !== undefined };
}

/** Computes a claim in the caller's transaction; with `commit` it locks and persists it. */
async function run(tx: Tx, ctx: MiCtx, input: ClaimInput, commit: boolean) {
  const c = parseInput(claimSchema, input);
  const { inst, p, policy, year, acc } = await load(tx, c, commit);
  const r = computeSettlement(c.items, {
    policy,
    level: inst.level,
    visitType: c.visitType,
    employment: p.employment,
    acc,
    accountAvailable: c.useAccount && p.scheme === "310" ? p.accountBalance : 0,
  });
  const { after, ...amounts } = r;
  const out: SettlementOutput = {
    setl_id: null,
    person_id: p.id,
    institution_code: inst.code,
    visit_type: c.visitType,
    date: c.date,
    status: "preview",
    review: null,
    ...amounts,
  };
  if (!commit) return out;
  const id = newId("setl");
  const review = reviewRule(id, r.medfee_sumamt, policy.review);
  // Every write in one round trip (pipelined); the transaction commits or rolls back as a whole.
  const [[saved]] = await Promise.all([
    tx
      .insert(miSettlements)
      .values({
        id,
        personId: p.id,
        institutionCode: inst.code,
        visitType: c.visitType,
        visitDate: c.date,
        year,
        ...columns(r),
        items: c.items,
        externalRef: c.externalRef ?? null,
        settledBy: ctx.actorId ?? null,
      })
      .onConflictDoNothing()
      .returning({ id: miSettlements.id }),
    tx
      .insert(miAccumulators)
      .values({ personId: p.id, year, ...after })
      .onConflictDoUpdate({
        target: [miAccumulators.personId, miAccumulators.year],
        set: {
          outpatientDedcUsed: after.outpatientDedcUsed,
          inpatientDedcUsed: after.inpatientDedcUsed,
          fundPaid: after.fundPaid,
          admissions: after.admissions,
        },
      }),
    r.acct_pay > 0 &&
      tx
        .update(miPersons)
        .set({ accountBalance: p.accountBalance - r.acct_pay })
        .where(eq(miPersons.id, p.id)),
    review && tx.insert(miReviews).values({ settlementId: id, rule: review }),
    recordUsage(tx, { meter: "mi.settlements", quantity: 1, eventId: `mi.setl.${id}` }),
    audit(tx, ctx, "mi.settlement.create", "mi_settlement", id, {
      personId: p.id,
      medfee_sumamt: r.medfee_sumamt,
      fund_pay_sumamt: r.fund_pay_sumamt,
    }),
  ]);
  // Nothing of this transaction survives the throw: the other writes roll back with it.
  if (!saved) throw new ConflictError(`Reference "${c.externalRef}" is already settled`);
  return { ...out, setl_id: id, status: "settled" as const, review };
}

/** The amount columns of a settlement row from the engine's result. */
export const columns = (r: SettlementResult) => ({
  admissionNo: r.admission_no,
  medfeeSumamt: r.medfee_sumamt,
  fulamtOwnpayAmt: r.fulamt_ownpay_amt,
  preselfpayAmt: r.preselfpay_amt,
  inscpScpAmt: r.inscp_scp_amt,
  actPayDedc: r.act_pay_dedc,
  hifpPay: r.hifp_pay,
  acctPay: r.acct_pay,
  psnCashPay: r.psn_cash_pay,
  fundPaySumamt: r.fund_pay_sumamt,
  psnPartAmt: r.psn_part_amt,
});

/** Pre-settlement (预结算): the same computation, nothing written. */
export function previewSettlement(ctx: MiCtx, input: ClaimInput): Promise<SettlementOutput> {
  return withTenant(ctx.db, ctx.tenant, (tx) => run(tx, ctx, input, false));
}

/** Settlement (结算): commits amounts, accumulators, usage, audit and any review sample at once. */
export function settle(ctx: MiCtx, input: ClaimInput): Promise<SettlementOutput> {
  return withTenant(ctx.db, ctx.tenant, (tx) => run(tx, ctx, input, true));
}

/** A stored settlement in the API's shape. */
export const toOutput = (s: MiSettlement, review: SettlementOutput["review"] = null) =>
  ({
    setl_id: s.id,
    person_id: s.personId,
    institution_code: s.institutionCode,
    visit_type: s.visitType,
    date: s.visitDate,
    status: s.status,
    review,
    admission_no: s.admissionNo,
    medfee_sumamt: s.medfeeSumamt,
    fulamt_ownpay_amt: s.fulamtOwnpayAmt,
    preselfpay_amt: s.preselfpayAmt,
    inscp_scp_amt: s.inscpScpAmt,
    act_pay_dedc: s.actPayDedc,
    hifp_pay: s.hifpPay,
    acct_pay: s.acctPay,
    psn_cash_pay: s.psnCashPay,
    fund_pay_sumamt: s.fundPaySumamt,
    psn_part_amt: s.psnPartAmt,
  }) satisfies SettlementOutput;

/**
 * Reversal (冲正): subtracts exactly what the settlement added to the accumulators and refunds the
 * personal account. Under the person lock, so it cannot interleave with a settlement; twice → 409.
 */
export function reverseSettlement(ctx: MiCtx, id: string, reason = "reversal") {
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const [s0] = await tx.select().from(miSettlements).where(eq(miSettlements.id, id));
    if (!s0) throw new NotFoundError(`No settlement "${id}"`);
    await tx
      .select({ id: miPersons.id })
      .from(miPersons)
      .where(eq(miPersons.id, s0.personId))
      .for("update");
    const [s] = await tx.select().from(miSettlements).where(eq(miSettlements.id, id)).for("update");
    if (!s || s.status === "reversed")
      throw new ConflictError("This settlement is already reversed");
    const d = contribution(toOutput(s), s.visitType);
    await tx
      .update(miAccumulators)
      .set({
        outpatientDedcUsed: sql`${miAccumulators.outpatientDedcUsed} - ${d.outpatientDedcUsed}`,
        inpatientDedcUsed: sql`${miAccumulators.inpatientDedcUsed} - ${d.inpatientDedcUsed}`,
        fundPaid: sql`${miAccumulators.fundPaid} - ${d.fundPaid}`,
        admissions: sql`${miAccumulators.admissions} - ${d.admissions}`,
      })
      .where(
        sql`${miAccumulators.personId} = ${s.personId} and ${miAccumulators.year} = ${s.year}`,
      );
    if (s.acctPay > 0) {
      await tx
        .update(miPersons)
        .set({ accountBalance: sql`${miPersons.accountBalance} + ${s.acctPay}` })
        .where(eq(miPersons.id, s.personId));
    }
    const [done] = await tx
      .update(miSettlements)
      .set({
        status: "reversed",
        reversedAt: new Date(),
        reversedBy: ctx.actorId ?? null,
        reversalReason: reason,
      })
      .where(eq(miSettlements.id, id))
      .returning();
    await audit(tx, ctx, "mi.settlement.reverse", "mi_settlement", id, { reason });
    return toOutput(done as MiSettlement);
  });
}
