import { query, type Tx } from "@zhengyun/db";
import { type SQL, sql } from "drizzle-orm";
import { type BatchRollups, rollupsOf } from "./rollup.ts";
import type { CheckedEvent } from "./validate.ts";

/**
 * How a batch claims its dedupe keys. `optimistic`: a plain INSERT, which fails as a whole with a
 * unique violation (23505) if any key is already stored, and the caller then runs the batch again
 * `careful`ly: INSERT ... ON CONFLICT DO NOTHING, which sorts new keys from duplicates. The
 * careful way costs Postgres about a fifth more per batch (a pre-check probe of the key index and
 * a confirmation WAL record per row), which most batches, all new, need not pay.
 */
export type ClaimMode = "optimistic" | "careful";

/** Every event of the batch was new. */
export const ALL_NEW = "all-new";

/**
 * Writes one checked batch (unique by source and id, sorted with `byKey`) in the caller's
 * transaction: dedupe keys, raw events of the new keys, their rollups. Returns ALL_NEW, or the
 * `source\0id` keys that were new.
 *
 * The batch travels as one JSON parameter (times as epoch ms: parsing timestamp text is slow in
 * SQL) and is inserted in its sorted order, so concurrent overlapping batches take their key locks
 * in the same order. Rollup rows are computed in JS (rollup.ts) and upserted in key order.
 */
export async function insertBatch(
  tx: Tx,
  tenantId: string,
  events: CheckedEvent[],
  mode: ClaimMode,
): Promise<typeof ALL_NEW | Set<string>> {
  const json = JSON.stringify(
    events.map((e) => ({
      s: e.source,
      i: e.id,
      m: e.meter,
      q: e.quantity,
      t: e.at,
      k: e.key ?? undefined,
    })),
  );
  const input = sql`input as (
      select s, i, m, q, k, to_timestamp(t / 1000) as t
      from json_to_recordset(${json}::json) as x(s text, i text, m text, q numeric, t float8, k text)
    )`;
  const late = sql`t < coalesce(
      (select closed_through from platform.usage_closed where tenant_id = ${tenantId}),
      '-infinity'::timestamptz)`;
  const rollups = rollupsOf(events);
  if (mode === "optimistic") {
    await tx.execute(sql`with ${input}, keys as (
      insert into platform.usage_event_keys (tenant_id, source, event_id, occurred_at)
      select ${tenantId}, s, i, t from input
    ), raw as (
      insert into platform.usage_events
        (tenant_id, source, event_id, meter, quantity, subject_key, occurred_at, late)
      select ${tenantId}, s, i, m, q, k, t, ${late} from input
    ), ${rollupCtes(tenantId, rollups, sql`true`)}
    select 1`);
    return ALL_NEW;
  }
  // Keys that lose ON CONFLICT (stored earlier, or by a concurrent sender) come back as
  // duplicates and never reach the raw table. The rollups of the whole batch apply in the same
  // statement only if every key was new; otherwise a second statement applies those of exactly
  // the new events.
  const dups = await query<{ s: string; i: string }>(
    tx,
    sql`with ${input}, keys as (
      insert into platform.usage_event_keys (tenant_id, source, event_id, occurred_at)
      select ${tenantId}, s, i, t from input
      on conflict do nothing
      returning source, event_id
    ), raw as (
      insert into platform.usage_events
        (tenant_id, source, event_id, meter, quantity, subject_key, occurred_at, late)
      select ${tenantId}, s, i, m, q, k, t, ${late}
      from input join keys on keys.source = input.s and keys.event_id = input.i
    ), ${rollupCtes(tenantId, rollups, sql`(select count(*) from keys) = ${events.length}`)}
    select s, i from input
    where not exists (select from keys where keys.source = input.s and keys.event_id = input.i)`,
  );
  if (dups.length === 0) return ALL_NEW;
  const duplicate = new Set(dups.map((d) => `${d.s}\u0000${d.i}`));
  const fresh = events.filter((e) => !duplicate.has(`${e.source}\u0000${e.id}`));
  if (fresh.length > 0) {
    await tx.execute(sql`with ${rollupCtes(tenantId, rollupsOf(fresh), sql`true`)} select 1`);
  }
  return new Set(fresh.map((e) => `${e.source}\u0000${e.id}`));
}

/** Dedupe-key order (code units): the order a batch's keys are inserted, and so locked, in. */
export const byKey = (a: CheckedEvent, b: CheckedEvent): number =>
  a.source < b.source ? -1 : a.source > b.source ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

const rollupSet = (t: string) =>
  sql.raw(`quantity = ${t}.quantity + excluded.quantity,
  events = ${t}.events + excluded.events,
  max_quantity = greatest(${t}.max_quantity, excluded.max_quantity),
  latest_quantity = case when excluded.latest_at >= ${t}.latest_at
    then excluded.latest_quantity else ${t}.latest_quantity end,
  latest_at = greatest(${t}.latest_at, excluded.latest_at)`);

const ROLLUP_COLUMNS = sql.raw(
  "m text, b bigint, q numeric, n bigint, x numeric, lt float8, lq numeric",
);

/** The upserts of a batch's rollup rows (rollup.ts), applied only when `guard` holds. */
function rollupCtes(tenantId: string, r: BatchRollups, guard: SQL) {
  return sql`hourly as (
      insert into platform.usage_hourly as r
        (tenant_id, meter, hour, quantity, events, max_quantity, latest_at, latest_quantity)
      select ${tenantId}, m, to_timestamp(b * 3600), q, n, x, to_timestamp(lt / 1000), lq
      from json_to_recordset(${JSON.stringify(r.hourly)}::json) as x(${ROLLUP_COLUMNS})
      where ${guard}
      on conflict (tenant_id, meter, hour) do update set ${rollupSet("r")}
    ), daily as (
      insert into platform.usage_daily as r
        (tenant_id, meter, day, quantity, events, max_quantity, latest_at, latest_quantity)
      select ${tenantId}, m, date '1970-01-01' + b::integer, q, n, x, to_timestamp(lt / 1000), lq
      from json_to_recordset(${JSON.stringify(r.daily)}::json) as x(${ROLLUP_COLUMNS})
      where ${guard}
      on conflict (tenant_id, meter, day) do update set ${rollupSet("r")}
    ), uniques as (
      insert into platform.usage_monthly_uniques as u (tenant_id, meter, month, key, first_seen_at)
      select ${tenantId}, m, mo::date, k, to_timestamp(t / 1000)
      from json_to_recordset(${JSON.stringify(r.uniques)}::json) as x(m text, mo text, k text, t float8)
      where ${guard}
      on conflict (tenant_id, meter, month, key) do update set first_seen_at = excluded.first_seen_at
      where excluded.first_seen_at < u.first_seen_at
    )`;
}
