import { type Clock, systemClock } from "@zhengyun/core";
import { type Database, platformSchema } from "@zhengyun/db";
import { withPlatform } from "@zhengyun/tenancy";
import { and, asc, eq, gte, lt, sql } from "drizzle-orm";
import { DEFAULT_LATE_WINDOW_DAYS } from "./validate.ts";

const { usageClosed, usageEvents, usageEventKeys } = platformSchema;

/**
 * Billing calls this once a period is invoiced: events later ingested with a time before
 * `through` are stored but flagged late. It only moves forward, so a re-run never reopens a period.
 */
export async function closeUsageThrough(
  db: Database,
  tenantId: string,
  through: Date,
): Promise<Date> {
  const [row] = await withPlatform(db, (tx) =>
    tx
      .insert(usageClosed)
      .values({ tenantId, closedThrough: through })
      .onConflictDoUpdate({
        target: usageClosed.tenantId,
        set: {
          closedThrough: sql`greatest(${usageClosed.closedThrough}, excluded.closed_through)`,
          updatedAt: sql`now()`,
        },
      })
      .returning({ closedThrough: usageClosed.closedThrough }),
  );
  if (!row) throw new Error("usage_closed upsert returned nothing");
  return row.closedThrough;
}

export interface LateEvent {
  source: string;
  eventId: string;
  meter: string;
  quantity: number;
  occurredAt: Date;
  receivedAt: Date;
}

/** Late events of a tenant for finance, by time of occurrence within [from, to). */
export async function lateEvents(
  db: Database,
  q: { tenantId: string; from: Date; to: Date },
): Promise<LateEvent[]> {
  const rows = await withPlatform(db, (tx) =>
    tx
      .select({
        source: usageEvents.source,
        eventId: usageEvents.eventId,
        meter: usageEvents.meter,
        quantity: usageEvents.quantity,
        occurredAt: usageEvents.occurredAt,
        receivedAt: usageEvents.receivedAt,
      })
      .from(usageEvents)
      .where(
        and(
          eq(usageEvents.tenantId, q.tenantId),
          gte(usageEvents.occurredAt, q.from),
          lt(usageEvents.occurredAt, q.to),
          eq(usageEvents.late, true),
        ),
      )
      .orderBy(asc(usageEvents.occurredAt)),
  );
  return rows.map((r) => ({ ...r, quantity: Number(r.quantity) }));
}

/**
 * Drops dedupe keys older than the late window (a daily job). Safe because ingestion refuses
 * events older than the same window, so a pruned key can never be needed again.
 */
export async function pruneDedupeKeys(
  db: Database,
  opts: { clock?: Clock; lateWindowDays?: number } = {},
): Promise<number> {
  const days = opts.lateWindowDays ?? DEFAULT_LATE_WINDOW_DAYS;
  const cutoff = new Date((opts.clock ?? systemClock).now().getTime() - (days + 1) * 86_400_000);
  const rows = await withPlatform(db, (tx) =>
    tx
      .delete(usageEventKeys)
      .where(lt(usageEventKeys.occurredAt, cutoff))
      .returning({ id: usageEventKeys.eventId }),
  );
  return rows.length;
}
