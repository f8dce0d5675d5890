import { auditBatch } from "@zhengyun/audit";
import { newId } from "@zhengyun/core";
import { query, type Tx } from "@zhengyun/db";
import { recordUsages } from "@zhengyun/jobs/outbox";
import { withTenant } from "@zhengyun/tenancy";
import { sql } from "drizzle-orm";
import { type BatchLine, parseBatch } from "./batch-parse.ts";
import { type Claim, claimSchema } from "./claim.ts";
import type { MiCtx } from "./context.ts";
import type { RowError } from "./csv.ts";
import { type Accumulator, computeSettlement, reviewRule } from "./engine.ts";
import { parseNationalId } from "./national-id.ts";
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

interface Pending {
  line: number;
  ref?: string;
  claim: Claim;
}

type Row = Record<string, unknown>;
const json = (v: unknown) => sql`${JSON.stringify(v)}::jsonb`;

/**
 * Imports and settles a day's claims set-based: per chunk one transaction and a fixed number of
 * statements (lookups with `= any`, writes through `jsonb_to_recordset`), whatever its size. Claims
 * are computed in file order against in-memory accumulators read under row locks, so the result
 * equals settling them one by one. Rejected lines are reported and nothing is written for them.
 */
export async function settleBatch(
  ctx: MiCtx,
  text: string,
  format: "jsonl" | "csv",
  opts: { chunkSize?: number } = {},
): Promise<BatchReport> {
  const lines = parseBatch(text, format);
  const batchId = newId("mib");
  const report: BatchReport = {
    batchId,
    lines: lines.length,
    settled: 0,
    rejected: 0,
    medfeeSumamt: 0,
    fundPaySumamt: 0,
    errors: [],
  };
  const reject = (l: { line: number; ref?: string | undefined }, path: string, message: string) => {
    report.rejected++;
    report.errors.push({
      line: l.line,
      ...(l.ref ? { ref: l.ref } : {}),
      errors: [{ path, message }],
    });
  };
  const valid: Pending[] = [];
  const refs = new Set<string>();
  for (const l of lines) {
    if (l.error) {
      reject(l, "", l.error);
      continue;
    }
    const r = claimSchema.safeParse(l.input);
    if (!r.success) {
      report.rejected++;
      report.errors.push({
        line: l.line,
        ...(l.ref ? { ref: l.ref } : {}),
        errors: r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
      });
    } else if (r.data.externalRef && refs.has(r.data.externalRef)) {
      reject(l, "externalRef", "repeated in this file");
    } else {
      if (r.data.externalRef) refs.add(r.data.externalRef);
      valid.push({ line: l.line, ...(l.ref ? { ref: l.ref } : {}), claim: r.data });
    }
  }
  const size = opts.chunkSize ?? 5000;
  for (let i = 0; i < valid.length; i += size) {
    await withTenant(ctx.db, ctx.tenant, (tx) =>
      settleChunk(tx, ctx, valid.slice(i, i + size), report, reject),
    );
  }
  report.errors.sort((a, b) => a.line - b.line);
  return report;
}

async function settleChunk(
  tx: Tx,
  ctx: MiCtx,
  chunk: Pending[],
  report: BatchReport,
  reject: (l: BatchLine | Pending, path: string, message: string) => void,
): Promise<void> {
  const nids = new Map<Pending, string>();
  for (const p of chunk) {
    if (p.claim.personId) continue;
    try {
      nids.set(p, parseNationalId(p.claim.nationalId ?? "").id);
    } catch {
      nids.set(p, "");
    }
  }
  const codes = [...new Set(chunk.map((p) => p.claim.institutionCode))];
  const years = [...new Set(chunk.map((p) => Number(p.claim.date.slice(0, 4))))];
  const ids = [...new Set(chunk.flatMap((p) => (p.claim.personId ? [p.claim.personId] : [])))];
  const refs = chunk.flatMap((p) => (p.claim.externalRef ? [p.claim.externalRef] : []));
  const [insts, persons, params, taken] = await Promise.all([
    query<Row>(
      tx,
      sql`select code, level, status from mi_institutions
      where code = any(array(select jsonb_array_elements_text(${json(codes)})))`,
    ),
    // Locked in id order: the person row is where concurrent settlements for one person queue.
    query<Row>(
      tx,
      sql`select id, national_id, scheme, employment, status, account_balance
      from mi_persons where id = any(array(select jsonb_array_elements_text(${json(ids)})))
        or national_id = any(array(select jsonb_array_elements_text(${json([...new Set(nids.values())])})))
      order by id for update`,
    ),
    query<Row>(
      tx,
      sql`select year, scheme, effective_from::text as f, params from mi_parameters
      where year = any(array(select (jsonb_array_elements_text(${json(years)}))::int))
      order by effective_from desc`,
    ),
    query<Row>(
      tx,
      sql`select external_ref from mi_settlements
      where external_ref = any(array(select jsonb_array_elements_text(${json(refs)})))`,
    ),
  ]);
  const instBy = new Map(insts.map((r) => [String(r.code), r]));
  const byId = new Map(persons.map((r) => [String(r.id), r]));
  const byNid = new Map(persons.map((r) => [String(r.national_id), r]));
  const takenRefs = new Set(taken.map((r) => String(r.external_ref)));
  const policyOf = (scheme: string, date: string) =>
    params.find(
      (r) =>
        r.scheme === scheme && Number(r.year) === Number(date.slice(0, 4)) && String(r.f) <= date,
    )?.params as Policy | undefined;

  const keys = [...new Set(persons.map((p) => String(p.id)))].flatMap((id) =>
    years.map((year) => ({ person_id: id, year })),
  );
  // One statement creates missing rows and locks and returns all of them (a no-op upsert), in key
  // order; the persons are already locked, so no other settlement waits on these.
  const accRows = await query<Row>(
    tx,
    sql`insert into mi_accumulators as a (person_id, year)
    select person_id, year from jsonb_to_recordset(${json(keys)}) as k(person_id text, year int)
    order by person_id, year
    on conflict (person_id, year) do update set admissions = a.admissions
    returning a.*`,
  );
  const accs = new Map<string, Accumulator>();
  for (const a of accRows) {
    accs.set(`${a.person_id}|${a.year}`, {
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
  for (const p of chunk) {
    const c = p.claim;
    const inst = instBy.get(c.institutionCode);
    const person = c.personId ? byId.get(c.personId) : byNid.get(nids.get(p) ?? "");
    const policy = person && policyOf(String(person.scheme), c.date);
    if (!inst) reject(p, "institutionCode", "no such designated institution");
    else if (inst.status !== "active") reject(p, "institutionCode", "institution is not active");
    else if (!person) reject(p, c.personId ? "personId" : "nationalId", "not insured here");
    else if (person.status !== "active")
      reject(p, "personId", `the insured person is ${person.status}`);
    else if (!policy) reject(p, "date", "no parameters in force on this date");
    else if (c.externalRef && takenRefs.has(c.externalRef))
      reject(p, "externalRef", "already settled");
    else {
      const pid = String(person.id);
      const key = `${pid}|${c.date.slice(0, 4)}`;
      const balance = balances.get(pid) ?? 0;
      const r = computeSettlement(c.items, {
        policy,
        level: inst.level as Level,
        visitType: c.visitType,
        employment: person.employment as "in_service",
        acc: accs.get(key) as Accumulator,
        accountAvailable: c.useAccount && person.scheme === "310" ? balance : 0,
      });
      accs.set(key, r.after);
      balances.set(pid, balance - r.acct_pay);
      touched.add(key);
      const id = newId("setl");
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
      });
      report.settled++;
      report.medfeeSumamt += r.medfee_sumamt;
      report.fundPaySumamt += r.fund_pay_sumamt;
    }
  }
  if (settlements.length === 0) return;
  const accUpdates = [...touched].map((k) => {
    const [person_id, year] = k.split("|");
    const a = accs.get(k) as Accumulator;
    return {
      person_id,
      year: Number(year),
      o: a.outpatientDedcUsed,
      i: a.inpatientDedcUsed,
      f: a.fundPaid,
      n: a.admissions,
    };
  });
  const paid = persons
    .filter((p) => balances.get(String(p.id)) !== Number(p.account_balance))
    .map((p) => ({ id: p.id, b: balances.get(String(p.id)) }));
  // The writes are independent: sent together, pipelined on the transaction's connection.
  await Promise.all([
    query(
      tx,
      sql`insert into mi_settlements (id, person_id, institution_code, visit_type,
      visit_date, year, admission_no, medfee_sumamt, fulamt_ownpay_amt, preselfpay_amt,
      inscp_scp_amt, act_pay_dedc, hifp_pay, acct_pay, psn_cash_pay, fund_pay_sumamt, psn_part_amt,
      items, external_ref, batch_id)
    select id, person_id, institution_code, visit_type, visit_date, year, admission_no,
      medfee_sumamt, fulamt_ownpay_amt, preselfpay_amt, inscp_scp_amt, act_pay_dedc, hifp_pay,
      acct_pay, psn_cash_pay, fund_pay_sumamt, psn_part_amt, items, external_ref, batch_id
    from jsonb_to_recordset(${json(settlements)}) as x(id text, person_id text,
      institution_code text, visit_type text, visit_date date, year int, admission_no int,
      medfee_sumamt bigint, fulamt_ownpay_amt bigint, preselfpay_amt bigint, inscp_scp_amt bigint,
      act_pay_dedc bigint, hifp_pay bigint, acct_pay bigint, psn_cash_pay bigint,
      fund_pay_sumamt bigint, psn_part_amt bigint, items jsonb, external_ref text, batch_id text)`,
    ),
    query(
      tx,
      sql`update mi_accumulators a set outpatient_dedc_used = x.o,
      inpatient_dedc_used = x.i, fund_paid = x.f, admissions = x.n
    from jsonb_to_recordset(${json(accUpdates)}) as x(person_id text, year int, o bigint, i bigint, f bigint, n int)
    where a.person_id = x.person_id and a.year = x.year`,
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
    recordUsages(
      tx,
      settlements.map((s) => ({
        meter: "mi.settlements",
        quantity: 1,
        eventId: `mi.setl.${s.id}`,
      })),
    ),
    auditBatch(tx, {
      actorId: ctx.actorId ?? null,
      actorRole: ctx.actorRole ?? null,
      tenantId: ctx.tenant.id,
      action: "mi.settlement.batch",
      objectType: "mi_batch",
      objectId: report.batchId,
      requestId: ctx.requestId ?? null,
      counts: { settled: settlements.length },
      input: JSON.stringify(chunk.map((p) => p.claim)),
    }),
  ]);
}
