import { NotFoundError, ValidationError } from "@zhengyun/core";
import { type Database, platformSchema, query, type Tx } from "@zhengyun/db";
import { withPlatform } from "@zhengyun/tenancy";
import { and, between, eq, sql } from "drizzle-orm";
import { type Meter, resolveMeters } from "./catalog.ts";
import { addDays, dayStart, daysBetween, daysInMonth, isDate, monthOf } from "./time.ts";

const { usageDaily, tenants } = platformSchema;

export type Granularity = "day" | "month";

export interface UsageSeriesQuery {
  tenantId: string;
  meter: string;
  /** Inclusive Asia/Shanghai dates, YYYY-MM-DD. */
  from: string;
  to: string;
  granularity: Granularity;
}

export interface UsageSeries {
  tenant: string;
  meter: string;
  unit: string;
  granularity: Granularity;
  points: { start: string; quantity: number }[];
  total: number;
}

const MAX_DAYS = 3 * 366;

/**
 * A tenant's usage of one meter, from the daily rollups and the monthly distinct sets only (never
 * raw events). Per aggregation: sum and count add up; max takes the maximum; latest takes a day's
 * last reading and averages the days of a month (unit-months: GiB-months for storage.bytes);
 * unique_count counts each key once per month, on the day it was first seen.
 */
export async function usageSeries(db: Database, q: UsageSeriesQuery): Promise<UsageSeries> {
  if (!isDate(q.from) || !isDate(q.to))
    throw new ValidationError("from and to must be YYYY-MM-DD dates");
  if (q.from > q.to) throw new ValidationError("from must not be after to");
  if (daysBetween(q.from, q.to).length > MAX_DAYS) {
    throw new ValidationError(`a query spans at most ${MAX_DAYS} days`);
  }
  const meter = (await resolveMeters(db, [q.meter])).get(q.meter);
  if (!meter) throw new ValidationError(`unknown meter ${JSON.stringify(q.meter)}`);
  const { slug, daily } = await withPlatform(db, async (tx) => {
    const [t] = await tx
      .select({ slug: tenants.slug })
      .from(tenants)
      .where(eq(tenants.id, q.tenantId));
    if (!t) throw new NotFoundError("tenant not found");
    return { slug: t.slug, daily: await dailyValues(tx, q, meter) };
  });
  const days = daysBetween(q.from, q.to).map((d) => ({ start: d, quantity: daily.get(d) ?? 0 }));
  const points = q.granularity === "day" ? days : byMonth(days, meter);
  return {
    tenant: slug,
    meter: meter.code,
    unit: meter.unit,
    granularity: q.granularity,
    points,
    total: combine(
      meter,
      (meter.aggregation === "latest" ? byMonth(days, meter) : points).map((p) => p.quantity),
    ),
  };
}

async function dailyValues(
  tx: Tx,
  q: UsageSeriesQuery,
  meter: Meter,
): Promise<Map<string, number>> {
  if (meter.aggregation === "unique_count") {
    const rows = await query<{ day: string; n: string | number }>(
      tx,
      sql`select to_char(first_seen_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as day, count(*) as n
        from platform.usage_monthly_uniques
        where tenant_id = ${q.tenantId} and meter = ${q.meter}
          and month between ${monthOf(q.from)}::date and ${monthOf(q.to)}::date
          and first_seen_at >= ${dayStart(q.from).toISOString()}::timestamptz
          and first_seen_at < ${dayStart(addDays(q.to, 1)).toISOString()}::timestamptz
        group by 1`,
    );
    return new Map(rows.map((r) => [r.day, Number(r.n)]));
  }
  const column = {
    sum: usageDaily.quantity,
    count: usageDaily.events,
    max: usageDaily.maxQuantity,
    latest: usageDaily.latestQuantity,
  }[meter.aggregation];
  const rows = await tx
    .select({ day: usageDaily.day, value: column })
    .from(usageDaily)
    .where(
      and(
        eq(usageDaily.tenantId, q.tenantId),
        eq(usageDaily.meter, q.meter),
        between(usageDaily.day, q.from, q.to),
      ),
    );
  return new Map(rows.map((r) => [r.day, Number(r.value)]));
}

/** Month points: the first day in range of each month labels it. */
function byMonth(days: { start: string; quantity: number }[], meter: Meter) {
  const months = new Map<string, { start: string; values: number[] }>();
  for (const d of days) {
    const m = monthOf(d.start);
    const slot = months.get(m) ?? { start: d.start, values: [] };
    slot.values.push(d.quantity);
    months.set(m, slot);
  }
  return [...months.values()].map((m) => ({
    start: m.start,
    quantity:
      meter.aggregation === "latest"
        ? m.values.reduce((a, b) => a + b, 0) / daysInMonth(m.start)
        : combine(meter, m.values),
  }));
}

function combine(meter: Meter, values: number[]): number {
  if (meter.aggregation === "max") return values.reduce((a, b) => Math.max(a, b), 0);
  return values.reduce((a, b) => a + b, 0);
}
