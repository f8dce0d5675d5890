import { bigint, date, numeric, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { platform } from "./schema.ts";

/** How a meter's events combine over a period (see packages/metering/README.md). */
export const meterAggregation = platform.enum("meter_aggregation", [
  "sum",
  "count",
  "max",
  "unique_count",
  "latest",
]);

/** The catalog of billable units; seeded by ensureMeters in @zhengyun/metering. */
export const meters = platform.table("meters", {
  code: text().primaryKey(),
  nameZh: text().notNull(),
  nameEn: text().notNull(),
  unit: text().notNull(),
  aggregation: meterAggregation().notNull(),
});

/**
 * Dedupe keys of accepted events. Not partitioned, so (tenant, source, event id) is enforced by a
 * real primary key; rows older than the late window are pruned, and older events are refused.
 */
export const usageEventKeys = platform.table(
  "usage_event_keys",
  {
    tenantId: text().notNull(),
    source: text().notNull(),
    eventId: text().notNull(),
    occurredAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.source, t.eventId] })],
);

/** Columns every rollup keeps, whatever the meter's aggregation, so one upsert serves all. */
const rollupColumns = {
  tenantId: text().notNull(),
  meter: text().notNull(),
  quantity: numeric().notNull(),
  events: bigint({ mode: "number" }).notNull(),
  maxQuantity: numeric().notNull(),
  latestAt: timestamp({ withTimezone: true }).notNull(),
  latestQuantity: numeric().notNull(),
};

/** Hourly rollup; hours are UTC hours (Asia/Shanghai is a whole-hour offset without DST). */
export const usageHourly = platform.table(
  "usage_hourly",
  { ...rollupColumns, hour: timestamp({ withTimezone: true }).notNull() },
  (t) => [primaryKey({ columns: [t.tenantId, t.meter, t.hour] })],
);

/** Daily rollup; days are calendar days in Asia/Shanghai. */
export const usageDaily = platform.table(
  "usage_daily",
  { ...rollupColumns, day: date({ mode: "string" }).notNull() },
  (t) => [primaryKey({ columns: [t.tenantId, t.meter, t.day] })],
);

/** Distinct keys per Asia/Shanghai month for unique_count meters (not summable from days). */
export const usageMonthlyUniques = platform.table(
  "usage_monthly_uniques",
  {
    tenantId: text().notNull(),
    meter: text().notNull(),
    month: date({ mode: "string" }).notNull(),
    key: text().notNull(),
    firstSeenAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.meter, t.month, t.key] })],
);

/** Usage before closedThrough is invoiced: later events for it are stored but flagged late. */
export const usageClosed = platform.table("usage_closed", {
  tenantId: text().primaryKey(),
  closedThrough: timestamp({ withTimezone: true }).notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export type Meter = typeof meters.$inferSelect;
export type MeterAggregation = (typeof meterAggregation.enumValues)[number];
