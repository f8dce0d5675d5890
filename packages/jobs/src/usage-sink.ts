import { type Database, query } from "@zhengyun/db";
import { withPlatform } from "@zhengyun/tenancy";
import { type SQL, sql } from "drizzle-orm";

export interface RelayedEvent {
  eventId: string;
  meter: string;
  quantity: string;
  occurredAt: Date;
}

/**
 * Where relayed usage goes in the control plane. Must be idempotent on (tenant, "outbox", event id)
 * and return how many events were new. The metering package's ingest verb can be plugged in here
 * (startJobs' `usageSink` option) so rollups are kept with the raw events.
 */
export type UsageSink = (db: Database, tenantId: string, events: RelayedEvent[]) => Promise<number>;

interface Layout {
  /** Dedupe keys live in usage_event_keys (metering), not on usage_events (foundation). */
  keyed: boolean;
  /** usage_events is partitioned and a definer function opens missing months. */
  partitioned: boolean;
}
const layouts = new WeakMap<Database, Layout>();

async function layoutOf(db: Database): Promise<Layout> {
  const known = layouts.get(db);
  if (known) return known;
  const [row] = await query<Layout>(
    db.orm,
    sql`select to_regclass('platform.usage_event_keys') is not null as keyed,
          to_regprocedure('platform.usage_ensure_partition(timestamptz)') is not null as partitioned`,
  );
  const layout = { keyed: row?.keyed === true, partitioned: row?.partitioned === true };
  layouts.set(db, layout);
  return layout;
}

const rows = (list: SQL[]) => sql.join(list, sql`, `);
const months = (events: RelayedEvent[]) =>
  new Set(events.map((e) => e.occurredAt.toISOString().slice(0, 7)));

/**
 * The default sink: raw rows into platform.usage_events as the runtime role, duplicates dropped by
 * the unique key (on usage_events itself, or on usage_event_keys once that table exists).
 */
export const platformUsageSink: UsageSink = async (db, tenantId, events) => {
  if (events.length === 0) return 0;
  const { keyed, partitioned } = await layoutOf(db);
  return withPlatform(db, async (tx) => {
    const eventRows = (list: RelayedEvent[]) =>
      rows(
        list.map(
          (e) =>
            sql`(${tenantId}, 'outbox', ${e.eventId}, ${e.meter}, ${e.quantity}::numeric, ${e.occurredAt.toISOString()}::timestamptz)`,
        ),
      );
    const cols = sql`(tenant_id, source, event_id, meter, quantity, occurred_at)`;
    if (!keyed) {
      const ins = await query(
        tx,
        sql`insert into platform.usage_events ${cols} values ${eventRows(events)}
            on conflict (tenant_id, source, event_id) do nothing returning event_id`,
      );
      return ins.length;
    }
    const fresh = await query<{ event_id: string }>(
      tx,
      sql`insert into platform.usage_event_keys (tenant_id, source, event_id, occurred_at)
          values ${rows(events.map((e) => sql`(${tenantId}, 'outbox', ${e.eventId}, ${e.occurredAt.toISOString()}::timestamptz)`))}
          on conflict do nothing returning event_id`,
    );
    const ids = new Set(fresh.map((r) => r.event_id));
    const news = events.filter((e) => ids.has(e.eventId));
    if (news.length === 0) return 0;
    // A partitioned events table needs the month's partition; a definer function opens it.
    for (const month of partitioned ? months(news) : []) {
      await tx.execute(
        sql`select platform.usage_ensure_partition(${`${month}-01T00:00:00Z`}::timestamptz)`,
      );
    }
    await tx.execute(sql`insert into platform.usage_events ${cols} values ${eventRows(news)}`);
    return news.length;
  });
};
