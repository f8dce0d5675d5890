import { ManualClock } from "@zhengyun/core";
import { type Database, query } from "@zhengyun/db";
import { ensureMeters, type Meter } from "@zhengyun/metering";
import { sql } from "drizzle-orm";
import { type DriverName, openTestDatabase, tenantFactory } from "../harness/index.ts";

/** A meter of each aggregation the product catalog lacks, for tests only. */
export const TEST_METERS: Meter[] = [
  { code: "test.max", nameZh: "测试最大值", nameEn: "Test max", unit: "unit", aggregation: "max" },
];

/** Now, for every metering test: mid-March in Shanghai, so windows and days are predictable. */
export const NOW = "2026-03-20T04:00:00Z";

export async function setup(driver: DriverName, opts: { max?: number } = {}) {
  const db = await openTestDatabase(driver, opts);
  await ensureMeters(db, TEST_METERS);
  return { db, tenants: tenantFactory(db), clock: new ManualClock(NOW) };
}

export interface Totals {
  [meter: string]: { quantity: number; events: number };
}

/** Ground truth straight from raw events, to compare with what the rollups say. */
export async function rawTotals(db: Database, tenantId: string): Promise<Totals> {
  const rows = await query<{ meter: string; q: string; n: string | number }>(
    db.orm,
    sql`select meter, sum(quantity) as q, count(*) as n from platform.usage_events
      where tenant_id = ${tenantId} group by meter`,
  );
  return Object.fromEntries(
    rows.map((r) => [r.meter, { quantity: Number(r.q), events: Number(r.n) }]),
  );
}

export async function rollupTotals(
  db: Database,
  tenantId: string,
  table: "usage_hourly" | "usage_daily",
): Promise<Totals> {
  const rows = await query<{ meter: string; q: string; n: string | number }>(
    db.orm,
    sql`select meter, sum(quantity) as q, sum(events) as n from ${sql.raw(`platform.${table}`)}
      where tenant_id = ${tenantId} group by meter`,
  );
  return Object.fromEntries(
    rows.map((r) => [r.meter, { quantity: Number(r.q), events: Number(r.n) }]),
  );
}

export async function countRows(db: Database, table: string, tenantId: string): Promise<number> {
  const [row] = await query<{ n: string | number }>(
    db.orm,
    sql`select count(*) as n from ${sql.raw(`platform.${table}`)} where tenant_id = ${tenantId}`,
  );
  return Number(row?.n ?? 0);
}

const METERING_TABLES = [
  "usage_events",
  "usage_event_keys",
  "usage_hourly",
  "usage_daily",
  "usage_monthly_uniques",
  "usage_closed",
];

/** Removes a test's metering rows (the shared test Postgres outlives the run). */
export async function dropUsage(db: Database, tenantIds: string[]): Promise<void> {
  if (tenantIds.length === 0) return;
  for (const table of METERING_TABLES) {
    await db.orm.execute(
      sql`delete from ${sql.raw(`platform.${table}`)} where tenant_id in ${sql`(${sql.join(
        tenantIds.map((id) => sql`${id}`),
        sql`, `,
      )})`}`,
    );
  }
}
