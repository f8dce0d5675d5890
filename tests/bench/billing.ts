/**
 * pnpm bench:billing — real Postgres only (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the
 * local server), in its own database `zy_bench_billing`, recreated each run.
 *
 * Before the clock starts: the demo catalog, BENCH_TENANTS (1,000) tenants with contracts,
 * subscriptions to every module and 1–3 terminals each, and the rollups of BENCH_EVENTS
 * (5,000,000) usage events in October 2026. Tenants are control-plane rows only (a run never
 * opens a tenant schema), and the rollups are written by one set-based INSERT each, as the
 * ingest verb would leave them: ingesting 5M events through the verb takes minutes and measures
 * metering, not billing (bench:metering does that).
 *
 * Timed: runBilling for the period (first run), the idempotent re-run, and the baseline — one SQL
 * aggregate over the same rollups computing the same per-tenant, per-meter quantities.
 */
import { runBilling } from "@zhengyun/billing";
import { ManualClock } from "@zhengyun/core";
import { type Database, openPostgres, query } from "@zhengyun/db";
import { prepareDatabase } from "@zhengyun/db/node";
import { ensureDemoPrices } from "@zhengyun/demo/billing";
import { ensureMeters } from "@zhengyun/metering";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { benchDatabaseUrl, benchServerUrl, header, line, machine, timeIt } from "./report.ts";

const TENANTS = Number(process.env.BENCH_TENANTS ?? 1_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 5_000_000);
const PERIOD = "2026-10";
const base = benchServerUrl;
const BENCH_DB = "zy_bench_billing";
const benchUrl = benchDatabaseUrl(BENCH_DB);
/** Meters with daily rollups (users.active is counted in the monthly distinct set). */
const DAILY = [
  "api.requests",
  "portal.applications",
  "terminal.transactions",
  "mi.settlements",
  "cs.requests",
];

async function recreateDatabase(): Promise<void> {
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${BENCH_DB} with (force)`);
  const roles = await admin<{ rolname: string }[]>`
    select rolname from pg_roles where rolname like ${`zy_${BENCH_DB}_%`}`;
  for (const r of roles) await admin.unsafe(`drop role if exists "${r.rolname}"`);
  await admin.unsafe(`create database ${BENCH_DB}`);
  await admin.end();
}

async function seed(db: Database): Promise<void> {
  await prepareDatabase(db);
  await ensureMeters(db);
  await ensureDemoPrices(db);
  const x = db.orm;
  await x.execute(sql`
    insert into platform.tenants (id, slug, name, level, status, schema_name, role_name)
    select 'ten_b' || lpad(i::text, 5, '0'), 'b-' || lpad(i::text, 5, '0'), '基准租户' || i,
           (array['city','district','street'])[1 + i % 3]::platform.tenant_level, 'active',
           't_b' || i, 'r_b' || i
    from generate_series(1, ${TENANTS}) i`);
  await x.execute(sql`
    insert into platform.contracts (id, tenant_id, starts_on, discount_bp)
    select 'ctr_' || id, id, '2025-01-01', case when right(id, 1) = '7' then 500 else 0 end
    from platform.tenants`);
  await x.execute(sql`
    insert into platform.contract_modules (contract_id, module)
    select 'ctr_' || t.id, m.code from platform.tenants t cross join platform.billing_modules m`);
  // Every module from 2025; one tenant in ten starts community mid-October.
  await x.execute(sql`
    insert into platform.subscriptions (id, tenant_id, contract_id, module, price_level, starts_on)
    select 'sub_' || t.id || '_' || m.code, t.id, 'ctr_' || t.id, m.code, t.level,
           case when m.code = 'community' and right(t.id, 1) = '3' then date '2026-10-11' else date '2025-01-01' end
    from platform.tenants t cross join platform.billing_modules m`);
  await x.execute(sql`
    insert into platform.equipment (id, tenant_id, item, serial, location, acquisition_cost_fen,
      residual_value_fen, installed_on, renewal_cycle_months)
    select 'eqp_' || t.id || '_' || k, t.id, '政务服务自助终端', 'ZY-' || t.slug || '-' || k,
           '第' || k || '街道便民服务中心', 4800000, 600000, date '2025-06-01', 36
    from platform.tenants t cross join generate_series(1, 1 + (hashtext(t.id) & 1) + (hashtext(t.id) >> 1 & 1)) k`);
  // Rollups of EVENTS events: each (tenant, meter, day) row carries its share of the count.
  const rows = TENANTS * DAILY.length * 31;
  const per = Math.floor(EVENTS / rows);
  const extra = EVENTS - per * rows;
  await x.execute(sql`
    insert into platform.usage_daily (tenant_id, meter, day, quantity, events, max_quantity, latest_at, latest_quantity)
    select id, meter, d::date, q, q, 1, d + interval '12 hours', 1
    from (
      select t.id, m.meter, d,
             ${per} + (row_number() over (order by t.id, m.meter, d) <= ${extra})::int as q
      from platform.tenants t
      cross join unnest(${`{${DAILY.join(",")}}`}::text[]) m(meter)
      cross join generate_series(timestamp '2026-10-01', timestamp '2026-10-31', interval '1 day') d
    ) g`);
  await x.execute(sql`
    insert into platform.usage_monthly_uniques (tenant_id, meter, month, key, first_seen_at)
    select t.id, 'users.active', date '2026-10-01', 'u' || k, timestamptz '2026-10-05 02:00:00+00'
    from platform.tenants t cross join generate_series(1, 40) k`);
  await x.execute(sql`analyze`);
}

/** The baseline: one aggregate over the same rollups yielding the run's per-tenant quantities. */
const baseline = (db: Database) =>
  query<{ n: string }>(
    db.orm,
    sql`select count(*)::text as n from (
      select d.tenant_id, d.meter,
        case m.aggregation when 'sum' then sum(d.quantity) when 'count' then sum(d.events)
          when 'max' then max(d.max_quantity) else sum(d.latest_quantity) end as q
      from platform.usage_daily d join platform.meters m on m.code = d.meter
      where d.day >= date '2026-10-01' and d.day < date '2026-11-01' group by 1, 2, m.aggregation
      union all
      select tenant_id, meter, count(*) from platform.usage_monthly_uniques
      where month = date '2026-10-01' group by 1, 2) a`,
  );

async function main(): Promise<void> {
  header("bench:billing", machine());
  await recreateDatabase();
  const db = await openPostgres({ url: benchUrl, max: 4 });
  try {
    const seeded = await timeIt(() => seed(db));
    const [ev] = await query<{ n: string }>(
      db.orm,
      sql`select sum(events)::text as n from platform.usage_daily`,
    );
    line(
      "seeded (not timed)",
      `${(seeded.ms / 1000).toFixed(1)} s`,
      `${TENANTS} tenants, ${ev?.n} events in rollups`,
    );
    const clock = new ManualClock("2026-11-01T00:00:00Z");
    const first = await timeIt(() => runBilling(db, { period: PERIOD, clock }));
    const again = await timeIt(() => runBilling(db, { period: PERIOD, clock }));
    const agg = await timeIt(() => baseline(db));
    const n = first.value.drafts.length;
    const same = JSON.stringify(first.value.drafts) === JSON.stringify(again.value.drafts);
    const total = first.value.drafts.reduce((s, d) => s + d.total_fen, 0);
    line(
      "first run",
      `${(first.ms / 1000).toFixed(2)} s`,
      `${n} drafts, ${(n / (first.ms / 1000)).toFixed(0)} invoices/s`,
    );
    line(
      "re-run (replaces drafts)",
      `${(again.ms / 1000).toFixed(2)} s`,
      `${(n / (again.ms / 1000)).toFixed(0)} invoices/s, identical: ${same}`,
    );
    line(
      "baseline: one SQL aggregate",
      `${(agg.ms / 1000).toFixed(3)} s`,
      `${agg.value[0]?.n} tenant×meter rows`,
    );
    line(
      "ratio run ÷ aggregate",
      `${(first.ms / agg.ms).toFixed(1)}×`,
      `re-run ${(again.ms / agg.ms).toFixed(1)}×`,
    );
    line(
      "invoiced total",
      `¥${(total / 100).toLocaleString("en-US", { minimumFractionDigits: 2 })}`,
    );
    if (n !== TENANTS || !same) process.exitCode = 1;
  } finally {
    await db.close();
  }
}

await main();
