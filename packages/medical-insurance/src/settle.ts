import {
  ConflictError,
  NotFoundError,
  newId,
  PreconditionFailedError,
  ValidationError,
} from "@zhengyun/core";
import { type Commit, query, type Tx } from "@zhengyun/db";
import { recordUsage } from "@zhengyun/jobs/outbox";
import { withTenant } from "@zhengyun/tenancy";
import { eq, sql } from "drizzle-orm";
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
import { parseNationalId } from "./national-id.ts";
import type { Level, Policy } from "./params.ts";
import { type MiSettlement, miAccumulators, miPersons, miSettlements } from "./schema.ts";

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
  // Plain SQL on this hot path: building these through the query builder cost more CPU per
  // settlement than anything else in the module.
  const who = c.personId
    ? sql`id = ${c.personId}`
    : sql`national_id = ${parseNationalId(c.nationalId ?? "").id}`;
  const [[inst], [p], policies, [acc]] = await Promise.all([
    query<{ code: string; level: Level; status: string }>(
      tx,
      sql`select code, level, status from mi_institutions where code = ${c.institutionCode}`,
    ),
    query<PersonRow>(
      tx,
      sql`select id, scheme, employment, status, account_balance from mi_persons where ${who}
      ${lock ? sql`for update` : sql``}`,
    ),
    query<{ scheme: string; params: Policy }>(
      tx,
      sql`select distinct on (scheme) scheme, params from mi_parameters
      where year = ${year} and effective_from <= ${c.date} order by scheme, effective_from desc`,
    ),
    query<Record<string, string | number>>(
      tx,
      sql`select outpatient_dedc_used, inpatient_dedc_used, fund_paid, admissions
      from mi_accumulators where year = ${year}
        and person_id = ${c.personId ?? sql`(select id from mi_persons where ${who})`}`,
    ),
  ]);
  if (!inst) {
    throw new ValidationError(`Unknown institution "${c.institutionCode}"`, [
      { path: "institutionCode", message: "no such designated institution" },
    ]);
  }
  if (inst.status !== "active") {
    throw new ValidationError(`Institution "${c.institutionCode}" is suspended`, [
      { path: "institutionCode", message: "institution is not active" },
    ]);
  }
  if (!p) {
    throw new ValidationError("Unknown insured person", [
      { path: c.personId ? "personId" : "nationalId", message: "not insured here" },
    ]);
  }
  if (p.status !== "active") throw new ConflictError(`The insured person is ${p.status}`);
  const policy = policies.find((r) => r.scheme === p.scheme)?.params;
  if (!policy) throw new PreconditionFailedError(`No ${p.scheme} parameters in force on ${c.date}`);
  const ytd: Accumulator = acc
    ? {
        outpatientDedcUsed: Number(acc.outpatient_dedc_used),
        inpatientDedcUsed: Number(acc.inpatient_dedc_used),
        fundPaid: Number(acc.fund_paid),
        admissions: Number(acc.admissions),
      }
    : emptyAccumulator();
  const person = { ...p, account_balance: Number(p.account_balance) };
  return { inst, p: person, policy, year, acc: ytd };
}

interface PersonRow {
  id: string;
  scheme: "310" | "390";
  employment: "in_service" | "retired";
  status: string;
  account_balance: number | string;
}

/**
 * Computes a claim in the caller's transaction; given `commit` (the scope's, see Commit in
 * @zhengyun/db) it locks and persists it, and the COMMIT travels with the writes.
 */
async function run(tx: Tx, ctx: MiCtx, input: ClaimInput, commit?: Commit) {
  const c = parseInput(claimSchema, input);
  const { inst, p, policy, year, acc } = await load(tx, c, commit !== undefined);
  const r = computeSettlement(c.items, {
    policy,
    level: inst.level,
    visitType: c.visitType,
    employment: p.employment,
    acc,
    accountAvailable: c.useAccount && p.scheme === "310" ? p.account_balance : 0,
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
  if (commit === undefined) return out;
  const id = newId("setl");
  const review = reviewRule(id, r.medfee_sumamt, policy.review);
  // Every write and the COMMIT in one round trip (pipelined); the transaction commits or rolls back
  // as a whole. A settled external reference fails the insert (unique), so nothing commits.
  await Promise.all([
    query(
      tx,
      sql`insert into mi_settlements (id, person_id, institution_code, visit_type, visit_date,
        year, admission_no, medfee_sumamt, fulamt_ownpay_amt, preselfpay_amt, inscp_scp_amt,
        act_pay_dedc, hifp_pay, acct_pay, psn_cash_pay, fund_pay_sumamt, psn_part_amt, items,
        external_ref, settled_by)
      values (${id}, ${p.id}, ${inst.code}, ${c.visitType}, ${c.date}, ${year}, ${r.admission_no},
        ${r.medfee_sumamt}, ${r.fulamt_ownpay_amt}, ${r.preselfpay_amt}, ${r.inscp_scp_amt},
        ${r.act_pay_dedc}, ${r.hifp_pay}, ${r.acct_pay}, ${r.psn_cash_pay}, ${r.fund_pay_sumamt},
        ${r.psn_part_amt}, ${JSON.stringify(c.items)}::jsonb, ${c.externalRef ?? null},
        ${ctx.actorId ?? null})`,
    ),
    query(
      tx,
      sql`insert into mi_accumulators as a (person_id, year, outpatient_dedc_used,
        inpatient_dedc_used, fund_paid, admissions)
      values (${p.id}, ${year}, ${after.outpatientDedcUsed}, ${after.inpatientDedcUsed},
        ${after.fundPaid}, ${after.admissions})
      on conflict (person_id, year) do update set outpatient_dedc_used = excluded.outpatient_dedc_used,
        inpatient_dedc_used = excluded.inpatient_dedc_used, fund_paid = excluded.fund_paid,
        admissions = excluded.admissions`,
    ),
    r.acct_pay > 0 &&
      query(
        tx,
        sql`update mi_persons set account_balance = ${p.account_balance - r.acct_pay}
        where id = ${p.id}`,
      ),
    review &&
      query(tx, sql`insert into mi_reviews (settlement_id, rule) values (${id}, ${review})`),
    recordUsage(tx, { meter: "mi.settlements", quantity: 1, eventId: `mi.setl.${id}` }),
    audit(tx, ctx, "mi.settlement.create", "mi_settlement", id, {
      personId: p.id,
      medfee_sumamt: r.medfee_sumamt,
      fund_pay_sumamt: r.fund_pay_sumamt,
    }),
    commit(),
  ]).catch((e: unknown) => {
    if (violatedUnique(e) === "mi_settlements_externalRef_unique") {
      throw new ConflictError(`Reference "${c.externalRef}" is already settled`);
    }
    throw e;
  });
  return { ...out, setl_id: id, status: "settled" as const, review };
}

/** The unique constraint a failed statement violated, when that is why it failed (either driver). */
function violatedUnique(e: unknown): string | undefined {
  const pg = ((e as { cause?: unknown } | null)?.cause ?? e) as {
    code?: string;
    constraint_name?: string;
    constraint?: string;
  } | null;
  return pg?.code === "23505" ? (pg.constraint_name ?? pg.constraint) : undefined;
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
  return withTenant(ctx.db, ctx.tenant, (tx) => run(tx, ctx, input), { readOnly: true });
}

/** Settlement (结算): commits amounts, accumulators, usage, audit and any review sample at once. */
export function settle(ctx: MiCtx, input: ClaimInput): Promise<SettlementOutput> {
  return withTenant(ctx.db, ctx.tenant, (tx, commit) => run(tx, ctx, input, commit));
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
