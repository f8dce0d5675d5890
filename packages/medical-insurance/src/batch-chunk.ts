import { auditBatch } from "@zhengyun/audit";
import { query, type Tx } from "@zhengyun/db";
import { recordUsage } from "@zhengyun/jobs/outbox";
import { sql } from "drizzle-orm";
import type { Claim } from "./claim.ts";
import type { MiCtx } from "./context.ts";
import type { RowError } from "./csv.ts";
import { type Accumulator, computeSettlement, emptyAccumulator, reviewRule } from "./engine.ts";
import { newIds } from "./ids.ts";
import type { Level, Policy } from "./params.ts";

export interface BatchReport {
  batchId: string;
  lines: number;
  settled: number;
  rejected: number;
  medfeeSumamt: number;
  fundPaySumamt: number;
  errors: RowError[];
}

/** A valid claim of a batch with its person resolved to an id (null: no such person). */
export interface Pending {
  line: number;
  ref?: string;
  claim: Claim;
  personId: string | null;
  raw?: string;
}

export type Reject = (
  l: { line: number; ref?: string | undefined },
  path: string,
  msg: string,
) => void;

type Row = Record<string, unknown>;
export const json = (v: unknown) => sql`${JSON.stringify(v)}::jsonb`;
/** For large row sets read once: `json` is parsed as it is read, `jsonb` first built as a tree. */
const jsonText = (v: unknown) => sql`${JSON.stringify(v)}::json`;

/** Why a claim cannot be settled, checked in the single path's order; null when it can. */
function refusal(
  c: Claim,
  inst: Row | undefined,
  person: Row | undefined,
  policy: Policy | undefined,
  taken: Set<string>,
): [string, string] | null {
  if (!inst) return ["institutionCode", "no such designated institution"];
  if (inst.status !== "active") return ["institutionCode", "institution is not active"];
  if (!person) return [c.personId ? "personId" : "nationalId", "not insured here"];
  if (person.status !== "active") return ["personId", `the insured person is ${person.status}`];
  if (!policy) return ["date", "no parameters in force on this date"];
  if (c.externalRef && taken.has(c.externalRef)) return ["externalRef", "already settled"];
  return null;
}

/**
 * One chunk in the caller's tenant transaction, in three round trips whatever its size: (1) lock
 * the chunk's persons in id order and read institutions, parameters and taken references; (2) read
 * their year-to-date accumulators; compute every claim in memory in file order; (3) write
 * settlements, accumulators, account balances, review samples, one usage event and one audit record,
 * each with one statement, pipelined. The chunk commits or rolls back as a whole.
 */
export async function settleChunk(
  tx: Tx,
  ctx: MiCtx,
  chunk: Pending[],
  seq: string,
  report: BatchReport,
  reject: Reject,
): Promise<void> {
  const codes = [...new Set(chunk.map((p) => p.claim.institutionCode))];
  const years = [...new Set(chunk.map((p) => Number(p.claim.date.slice(0, 4))))];
  const ids = [...new Set(chunk.flatMap((p) => (p.personId ? [p.personId] : [])))].sort();
  const refs = chunk.flatMap((p) => (p.claim.externalRef ? [p.claim.externalRef] : []));
  const [insts, persons, params, taken] = await Promise.all([
    query<Row>(
      tx,
      sql`select code, level, status from mi_institutions
      where code = any(array(select jsonb_array_elements_text(${json(codes)})))`,
    ),
    // Locked in id order: the person row is where every writer of a person's accumulators and
    // personal account queues (single settlement, reversal, other batches), so none deadlock.
    query<Row>(
      tx,
      sql`select id, scheme, employment, status, account_balance from mi_persons
      where id = any(array(select jsonb_array_elements_text(${json(ids)})))
      order by id for no key update`,
    ),
    query<Row>(
      tx,
      sql`select year, scheme, effective_from::text as f, params from mi_parameters
      where year = any(array(select (jsonb_array_elements_text(${json(years)}))::int))
      order by effective_from desc`,
    ),
    refs.length === 0
      ? ([] as Row[])
      : query<Row>(
          tx,
          sql`select external_ref from mi_settlements
          where external_ref = any(array(select jsonb_array_elements_text(${json(refs)})))`,
        ),
  ]);
  const instBy = new Map(insts.map((r) => [String(r.code), r]));
  const byId = new Map(persons.map((r) => [String(r.id), r]));
  const takenRefs = new Set(taken.map((r) => String(r.external_ref)));
  const policies = new Map<string, Policy | undefined>();
  const policyOf = (scheme: string, date: string) => {
    const key = `${scheme}|${date}`;
    if (!policies.has(key)) {
      const year = Number(date.slice(0, 4));
      const row = params.find((r) => r.scheme === scheme && r.year === year && String(r.f) <= date);
      policies.set(key, row?.params as Policy | undefined);
    }
    return policies.get(key);
  };

  // No lock of their own: every writer of mi_accumulators holds the person lock first, and this
  // statement's snapshot is taken after ours were granted, so it sees every committed change.
  const accRows =
    persons.length === 0
      ? []
      : await query<Row>(
          tx,
          sql`select person_id, year, outpatient_dedc_used, inpatient_dedc_used, fund_paid,
            admissions from mi_accumulators
          where person_id = any(array(select jsonb_array_elements_text(${json(persons.map((p) => p.id))})))
            and year = any(array(select (jsonb_array_elements_text(${json(years)}))::int))`,
        );
  const accs = new Map<string, Accumulator>();
  const existing = new Set<string>();
  for (const a of accRows) {
    const key = `${a.person_id}|${a.year}`;
    existing.add(key);
    accs.set(key, {
      outpatientDedcUsed: Number(a.outpatient_dedc_used),
      inpatientDedcUsed: Number(a.inpatient_dedc_used),
      fundPaid: Number(a.fund_paid),
      admissions: Number(a.admissions),
    });
  }

  const balances = new Map(persons.map((p) => [String(p.id), Number(p.account_balance)]));
  const settlements: Row[] = [];
  const reviews: Row[] = [];
  const touched = new Set<string>();
  const setlIds = newIds("setl", chunk.length);
  for (const [n, p] of chunk.entries()) {
    const c = p.claim;
    const inst = instBy.get(c.institutionCode);
    const person = p.personId ? byId.get(p.personId) : undefined;
    const policy = person && policyOf(String(person.scheme), c.date);
    const why = refusal(c, inst, person, policy, takenRefs);
    if (why || !inst || !person || !policy) {
      reject(p, ...(why ?? ["", "cannot be settled"]));
      continue;
    }
    const pid = String(person.id);
    const key = `${pid}|${c.date.slice(0, 4)}`;
    const balance = balances.get(pid) ?? 0;
    const r = computeSettlement(c.items, {
      policy,
      level: inst.level as Level,
      visitType: c.visitType,
      employment: person.employment as "in_service",
      acc: accs.get(key) ?? emptyAccumulator(),
      accountAvailable: c.useAccount && person.scheme === "310" ? balance : 0,
    });
    accs.set(key, r.after);
    balances.set(pid, balance - r.acct_pay);
    touched.add(key);
    const id = setlIds[n] as string;
    const rule = reviewRule(id, r.medfee_sumamt, policy.review);
    if (rule) reviews.push({ settlement_id: id, rule });
    const { after: _after, ...amounts } = r;
    settlements.push({
      id,
      person_id: pid,
      institution_code: inst.code,
      visit_type: c.visitType,
      visit_date: c.date,
      year: Number(c.date.slice(0, 4)),
      ...amounts,
      items: c.items,
      external_ref: c.externalRef ?? null,
      batch_id: report.batchId,
      settled_by: ctx.actorId ?? null,
    });
    report.settled++;
    report.medfeeSumamt += r.medfee_sumamt;
    report.fundPaySumamt += r.fund_pay_sumamt;
  }
  if (settlements.length === 0) return;
  const accRow = (k: string) => {
    const [person_id, year] = k.split("|");
    const a = accs.get(k) as Accumulator;
    const { outpatientDedcUsed: o, inpatientDedcUsed: i, fundPaid: f, admissions: n } = a;
    return { person_id, year: Number(year), o, i, f, n };
  };
  const updated = [...touched].filter((k) => existing.has(k)).map(accRow);
  const created = [...touched].filter((k) => !existing.has(k)).map(accRow);
  const paid = persons
    .filter((p) => balances.get(String(p.id)) !== Number(p.account_balance))
    .map((p) => ({ id: p.id, b: balances.get(String(p.id)) }));
  // Statement 3: every write at once, pipelined; a chunk commits or rolls back as a whole.
  await Promise.all([
    query(
      tx,
      sql`insert into mi_settlements (id, person_id, institution_code, visit_type,
      visit_date, year, admission_no, medfee_sumamt, fulamt_ownpay_amt, preselfpay_amt,
      inscp_scp_amt, act_pay_dedc, hifp_pay, acct_pay, psn_cash_pay, fund_pay_sumamt, psn_part_amt,
      items, external_ref, batch_id, settled_by)
    select id, person_id, institution_code, visit_type, visit_date, year, admission_no,
      medfee_sumamt, fulamt_ownpay_amt, preselfpay_amt, inscp_scp_amt, act_pay_dedc, hifp_pay,
      acct_pay, psn_cash_pay, fund_pay_sumamt, psn_part_amt, items, external_ref, batch_id,
      settled_by
    from json_to_recordset(${jsonText(settlements)}) as x(id text, person_id text,
      institution_code text, visit_type text, visit_date date, year int, admission_no int,
      medfee_sumamt bigint, fulamt_ownpay_amt bigint, preselfpay_amt bigint, inscp_scp_amt bigint,
      act_pay_dedc bigint, hifp_pay bigint, acct_pay bigint, psn_cash_pay bigint,
      fund_pay_sumamt bigint, psn_part_amt bigint, items jsonb, external_ref text, batch_id text,
      settled_by text)`,
    ),
    updated.length > 0 &&
      query(
        tx,
        sql`update mi_accumulators a set outpatient_dedc_used = x.o,
      inpatient_dedc_used = x.i, fund_paid = x.f, admissions = x.n
    from jsonb_to_recordset(${json(updated)}) as x(person_id text, year int, o bigint, i bigint, f bigint, n int)
    where a.person_id = x.person_id and a.year = x.year`,
      ),
    created.length > 0 &&
      query(
        tx,
        sql`insert into mi_accumulators (person_id, year, outpatient_dedc_used,
      inpatient_dedc_used, fund_paid, admissions)
    select person_id, year, o, i, f, n
    from jsonb_to_recordset(${json(created)}) as x(person_id text, year int, o bigint, i bigint, f bigint, n int)`,
      ),
    paid.length > 0 &&
      query(
        tx,
        sql`update mi_persons p set account_balance = x.b
      from jsonb_to_recordset(${json(paid)}) as x(id text, b bigint) where p.id = x.id`,
      ),
    reviews.length > 0 &&
      query(
        tx,
        sql`insert into mi_reviews (settlement_id, rule)
      select settlement_id, rule from jsonb_to_recordset(${json(reviews)}) as x(settlement_id text, rule text)`,
      ),
    // One usage event per chunk (quantity = its settlements), idempotent by batch and chunk.
    recordUsage(tx, {
      meter: "mi.settlements",
      quantity: settlements.length,
      eventId: `mi.batch.${report.batchId}.${seq}`,
    }),
    auditBatch(tx, {
      actorId: ctx.actorId ?? null,
      actorRole: ctx.actorRole ?? null,
      tenantId: ctx.tenant.id,
      action: "mi.settlement.batch",
      objectType: "mi_batch",
      objectId: report.batchId,
      requestId: ctx.requestId ?? null,
      counts: { settled: settlements.length },
      input: chunk.map((p) => p.raw ?? JSON.stringify(p.claim)).join("\n"),
    }),
  ]);
}
