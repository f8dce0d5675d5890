import { type Clock, systemClock } from "@zhengyun/core";
import { type Database, query, type Tx } from "@zhengyun/db";
import { withPlatform } from "@zhengyun/tenancy";
import { sql } from "drizzle-orm";
import { resolveMeters } from "./catalog.ts";
import { ensurePartitions, forgetPartitions } from "./partitions.ts";
import { isMissingPartition, isRetryable } from "./pg-errors.ts";
import { monthOf, shanghaiDay } from "./time.ts";
import {
  type CheckedEvent,
  checkBatch,
  DEFAULT_LATE_WINDOW_DAYS,
  type UsageEventInput,
} from "./validate.ts";

export type IngestStatus = "accepted" | "duplicate";
export interface IngestResult {
  id: string;
  status: IngestStatus;
}

export interface IngestInput {
  tenantId: string;
  /** Source of events that name none; dedupe is per (tenant, source, event id). */
  source?: string;
  events: readonly UsageEventInput[];
}

export interface IngestOptions {
  clock?: Clock;
  /** Events older than this many days are refused; see README before raising it. */
  lateWindowDays?: number;
}

const ATTEMPTS = 4;

/**
 * Ingests one batch, all or nothing: validated first (ValidationError names the offending events,
 * nothing is written), then one set-based statement inserts the dedupe keys, the raw events that
 * won their key, and the rollups of exactly those rows, in one transaction. Returns each event's
 * status in input order; a repeat of an earlier event of the same batch is a duplicate.
 */
export async function ingestEvents(
  db: Database,
  input: IngestInput,
  opts: IngestOptions = {},
): Promise<IngestResult[]> {
  const clock = opts.clock ?? systemClock;
  const lateWindowDays = opts.lateWindowDays ?? DEFAULT_LATE_WINDOW_DAYS;
  const meters = await resolveMeters(
    db,
    input.events.map((e) => e?.meter),
  );
  const { unique, repeated } = checkBatch(input.events, input.source ?? "api", meters, {
    clock,
    lateWindowDays,
  });
  let accepted = new Set<string>();
  if (unique.length > 0) {
    await ensurePartitions(
      db,
      unique.map((e) => e.time),
    );
    for (let attempt = 1; ; attempt++) {
      try {
        accepted = await withPlatform(db, (tx) => insertBatch(tx, input.tenantId, unique));
        break;
      } catch (err) {
        if (attempt >= ATTEMPTS) throw err;
        if (isMissingPartition(err)) {
          forgetPartitions(db);
          await ensurePartitions(
            db,
            unique.map((e) => e.time),
          );
        } else if (!isRetryable(err)) throw err;
      }
    }
  }
  const claimed = new Set<string>();
  return input.events.map((e, i) => {
    const k = `${e.source ?? input.source ?? "api"}\u0000${e.id}`;
    const first = !repeated[i] && accepted.has(k) && !claimed.has(k);
    if (first) claimed.add(k);
    return { id: e.id, status: first ? "accepted" : "duplicate" };
  });
}

/**
 * The relay's entry (packages/jobs): a tenant's outbox rows, already trusted, through the same
 * path. Replays are answered `duplicate`, so the relay may mark its rows relayed either way.
 */
export function ingestUsage(
  db: Database,
  tenantId: string,
  source: string,
  events: readonly UsageEventInput[],
  opts: IngestOptions = {},
): Promise<IngestResult[]> {
  return ingestEvents(db, { tenantId, source, events }, opts);
}

/** What the outbox relay (packages/jobs) hands over: its UsageSink's event shape. */
export interface RelayedUsageEvent {
  eventId: string;
  meter: string;
  quantity: string | number;
  occurredAt: Date;
  key?: string;
}

/**
 * A drop-in `usageSink` for startJobs: relays one tenant's outbox rows under source "outbox" and
 * returns how many were new. Throws ValidationError for rows it cannot accept (unknown meter, older
 * than the late window): those are bugs to fix, not usage to drop.
 */
export async function outboxUsageSink(
  db: Database,
  tenantId: string,
  events: RelayedUsageEvent[],
  opts: IngestOptions = {},
): Promise<number> {
  const results = await ingestUsage(
    db,
    tenantId,
    "outbox",
    events.map((e) => ({
      id: e.eventId,
      meter: e.meter,
      quantity: Number(e.quantity),
      time: e.occurredAt,
      ...(e.key === undefined ? {} : { key: e.key }),
    })),
    opts,
  );
  return results.filter((r) => r.status === "accepted").length;
}

const rollupSet = (t: string) =>
  sql.raw(`quantity = ${t}.quantity + excluded.quantity,
  events = ${t}.events + excluded.events,
  max_quantity = greatest(${t}.max_quantity, excluded.max_quantity),
  latest_quantity = case when excluded.latest_at >= ${t}.latest_at
    then excluded.latest_quantity else ${t}.latest_quantity end,
  latest_at = greatest(${t}.latest_at, excluded.latest_at)`);

const rollupAggs = sql.raw("sum(q), count(*), max(q), max(t), (array_agg(q order by t desc))[1]");

/*
 * One round trip. The batch travels as one JSON parameter (not 6,000 bind parameters), with its
 * Shanghai day and month computed here (per-row time zone conversion is slow in SQL); keys that
 * lose ON CONFLICT (already stored, by us earlier or by a concurrent sender) drop out of `fresh`,
 * so raw rows and rollups only ever see events inserted now. Keys and rollup rows are written in
 * key order so concurrent overlapping batches take their locks in the same order.
 */
async function insertBatch(tx: Tx, tenantId: string, events: CheckedEvent[]): Promise<Set<string>> {
  const json = JSON.stringify(
    events.map((e) => {
      const d = shanghaiDay(e.time);
      return {
        s: e.source,
        i: e.id,
        m: e.meter,
        q: e.quantity,
        t: e.time,
        k: e.key,
        d,
        mo: monthOf(d),
      };
    }),
  );
  const rows = await query<{ source: string; event_id: string }>(
    tx,
    sql`with input as (
      select * from json_to_recordset(${json}::json) as x(s text, i text, m text, q numeric, t timestamptz, k text, d date, mo date)
    ), keys as (
      insert into platform.usage_event_keys (tenant_id, source, event_id, occurred_at)
      select ${tenantId}, s, i, t from input order by s, i
      on conflict do nothing
      returning source, event_id
    ), fresh as (
      select input.*, input.t < coalesce(
        (select closed_through from platform.usage_closed where tenant_id = ${tenantId}),
        '-infinity'::timestamptz) as late
      from input join keys on keys.source = input.s and keys.event_id = input.i
    ), raw as (
      insert into platform.usage_events
        (tenant_id, source, event_id, meter, quantity, subject_key, occurred_at, late)
      select ${tenantId}, s, i, m, q, k, t, late from fresh
    ), hourly as (
      insert into platform.usage_hourly as r
        (tenant_id, meter, hour, quantity, events, max_quantity, latest_at, latest_quantity)
      select ${tenantId}, m, date_trunc('hour', t), ${rollupAggs}
      from fresh group by m, date_trunc('hour', t) order by 2, 3
      on conflict (tenant_id, meter, hour) do update set ${rollupSet("r")}
    ), daily as (
      insert into platform.usage_daily as r
        (tenant_id, meter, day, quantity, events, max_quantity, latest_at, latest_quantity)
      select ${tenantId}, m, d, ${rollupAggs}
      from fresh group by m, d order by 2, 3
      on conflict (tenant_id, meter, day) do update set ${rollupSet("r")}
    ), uniques as (
      insert into platform.usage_monthly_uniques as u (tenant_id, meter, month, key, first_seen_at)
      select ${tenantId}, m, mo, k, min(t)
      from fresh where k is not null group by 2, 3, 4 order by 2, 3, 4
      on conflict (tenant_id, meter, month, key) do update set first_seen_at = excluded.first_seen_at
      where excluded.first_seen_at < u.first_seen_at
    )
    select source, event_id from keys`,
  );
  return new Set(rows.map((r) => `${r.source}\u0000${r.event_id}`));
}
