/**
 * pnpm bench:tenancy — real Postgres only (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local
 * server). Works in its own database `zy_bench_tenancy`, recreated each run, and drops the roles it
 * made at the end. Prints absolute figures, targets, and ratios against baselines measured in the
 * same run.
 */
import { readFileSync } from "node:fs";
import { type Database, openPostgres, query, tenantSchema } from "@zhengyun/db";
import { type Migration, prepareDatabase } from "@zhengyun/db/node";
import { withTenant } from "@zhengyun/tenancy";
import { migrateAllTenants, provisionTenant, type Tenant } from "@zhengyun/tenancy/node";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import {
  benchDatabaseUrl,
  benchServerUrl,
  durationStats,
  header,
  line,
  machine,
  timeIt,
} from "./report.ts";

const TENANTS = Number(process.env.BENCH_TENANTS ?? 1000);
const SAMPLE = Math.min(200, TENANTS);
const READ_ROUNDS = Number(process.env.BENCH_READ_ROUNDS ?? 10);
const base = benchServerUrl;
const BENCH_DB = "zy_bench_tenancy";
const benchUrl = benchDatabaseUrl(BENCH_DB);

async function recreateDatabase(): Promise<void> {
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${BENCH_DB} with (force)`);
  await dropBenchRoles(admin);
  await admin.unsafe(`create database ${BENCH_DB}`);
  await admin.end();
}

async function dropBenchRoles(admin: postgres.Sql): Promise<void> {
  const roles = await admin<
    { rolname: string }[]
  >`select rolname from pg_roles where rolname like 'zy_zy_bench_ten_%'`;
  for (const r of roles) await admin.unsafe(`drop role if exists "${r.rolname}"`);
}

async function templateShape(
  db: Database,
  t: Tenant,
): Promise<{ tables: number; indexes: number }> {
  const [row] = await query<{ tables: number; indexes: number }>(
    db.orm,
    sql`select count(*) filter (where c.relkind = 'r')::int as tables,
               count(*) filter (where c.relkind = 'i')::int as indexes
        from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = ${t.schemaName}`,
  );
  return row ?? { tables: 0, indexes: 0 };
}

/** Runs `fn` from `workers` concurrent loops for `ms`; returns operations per second. */
async function throughput(
  workers: number,
  ms: number,
  fn: () => Promise<unknown>,
): Promise<number> {
  const until = Date.now() + ms;
  let ops = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (Date.now() < until) {
        await fn();
        ops++;
      }
    }),
  );
  return (ops * 1000) / ms;
}

function backendMemory(pids: number[]): { pssMb: number; anonMb: number } {
  let pss = 0;
  let anon = 0;
  for (const pid of pids) {
    try {
      const text = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
      pss += Number(/^Pss:\s+(\d+)/m.exec(text)?.[1] ?? 0);
      anon += Number(/^Anonymous:\s+(\d+)/m.exec(text)?.[1] ?? 0);
    } catch {
      // a backend that exited between the query and the read
    }
  }
  return { pssMb: pss / 1024, anonMb: anon / 1024 };
}

async function main(): Promise<void> {
  header("bench:tenancy", machine());
  await recreateDatabase();
  const db = await openPostgres({ url: benchUrl, max: 10, maxLifetime: 60 });
  await prepareDatabase(db);

  // (a) provisioning time
  const tenants: Tenant[] = [];
  const provisionMs: number[] = [];
  for (let i = 0; i < TENANTS; i++) {
    const slug = `bench-${String(i).padStart(4, "0")}`;
    const { ms, value } = await timeIt(() =>
      provisionTenant(db, { slug, name: `压测租户${i}`, level: "street" }),
    );
    if (i < SAMPLE) provisionMs.push(ms);
    tenants.push(value);
  }
  const first = tenants[0] as Tenant;
  const shape = await templateShape(db, first);
  const prov = durationStats(provisionMs);
  line(
    "(a) provision median",
    `${prov.p50.toFixed(1)} ms`,
    `${(prov.p50 / shape.tables).toFixed(2)} ms per template table (${shape.tables} tables, ${shape.indexes} indexes; target ≤ 5 ms/table); p95 ${prov.p95.toFixed(1)} ms over ${SAMPLE}`,
  );

  // (b) no-op migrate --all
  const noop = await timeIt(() => migrateAllTenants(db, {}));
  line(
    "(b) no-op migrate --all",
    `${noop.ms.toFixed(0)} ms`,
    `${noop.value.checked} tenants checked, ${noop.value.migrated.length} migrated (target ≤ 2,000 ms)`,
  );

  // (c) one new template migration across every tenant
  const extra: Migration = {
    idx: 9000,
    tag: "9000_bench_extra",
    statements: [
      "CREATE TABLE bench_extra (id bigserial PRIMARY KEY, note text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())",
      "CREATE INDEX bench_extra_note_idx ON bench_extra (note)",
    ],
  };
  const apply = await timeIt(() => migrateAllTenants(db, { migrations: [extra] }));
  line(
    "(c) one new migration × tenants",
    `${(apply.ms / 1000).toFixed(1)} s`,
    `${apply.value.migrated.length} migrated, ${apply.value.failed.length} failed (target ≤ 60 s)`,
  );

  // (d) tenant-scoped read through withTenant vs the same query without it
  const rows = Array.from({ length: 500 }, (_, i) => ({
    key: `k${String(i).padStart(4, "0")}`,
    value: { i },
  }));
  await withTenant(db, first, (tx) => tx.insert(tenantSchema.settings).values(rows));
  const bare = sql.raw(`select key, value from ${first.schemaName}.settings order by key limit 20`);
  const scopedRead = sql`select key, value from settings order by key limit 20`;
  const paths = {
    baseline: () => query(db.orm, bare),
    readOnly: () => withTenant(db, first, (tx) => query(tx, scopedRead), { readOnly: true }),
    readWrite: () => withTenant(db, first, (tx) => query(tx, scopedRead)),
  };
  // Same workers, same pool (8 loops on 10 connections: none waits for a connection), and the
  // paths interleaved in short rotating rounds, so load from elsewhere on the machine falls on all
  // of them alike instead of on whichever ran second.
  const ops = { baseline: 0, readOnly: 0, readWrite: 0 };
  const order = Object.keys(paths) as (keyof typeof paths)[];
  for (const k of order) await throughput(8, 500, paths[k]); // warm-up
  for (let round = 0; round < READ_ROUNDS; round++) {
    for (let i = 0; i < order.length; i++) {
      const k = order[(round + i) % order.length] as keyof typeof paths;
      ops[k] += await throughput(8, 1000, paths[k]);
    }
  }
  const perSec = (k: keyof typeof ops) => ops[k] / READ_ROUNDS;
  line(
    "(d) withTenant read (read-only)",
    `${perSec("readOnly").toFixed(0)} reads/s`,
    `baseline ${perSec("baseline").toFixed(0)}/s without it; ratio ${(ops.readOnly / ops.baseline).toFixed(2)} (target ≥ 0.8); ${READ_ROUNDS} interleaved 1 s rounds, 8 workers, pool 10`,
  );
  line(
    "    withTenant read (read-write)",
    `${perSec("readWrite").toFixed(0)} reads/s`,
    `ratio ${(ops.readWrite / ops.baseline).toFixed(2)} (waits for COMMIT)`,
  );

  // (e) memory after reads spread over every tenant
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < tenants.length; i += 10) {
      await Promise.all(
        tenants
          .slice(i, i + 10)
          .map((t) => withTenant(db, t, (tx) => query(tx, sql`select count(*) from settings`))),
      );
    }
  }
  const pids = await query<{ pid: number }>(
    db.orm,
    sql`select pid from pg_stat_activity where datname = ${BENCH_DB} and application_name = 'zhengyun'`,
  );
  const mem = backendMemory(pids.map((p) => p.pid));
  const rss = process.memoryUsage().rss / 1024 / 1024;
  line(
    "(e) memory",
    `server ${rss.toFixed(0)} MB`,
    `Postgres backends (${pids.length}) PSS ${mem.pssMb.toFixed(0)} MB, private ${mem.anonMb.toFixed(0)} MB (targets: server ≤ 300 MB, backends ≤ 1,024 MB)`,
  );

  await db.close();
  if (!process.env.BENCH_KEEP) {
    const admin = postgres(base, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${BENCH_DB} with (force)`);
    await dropBenchRoles(admin);
    await admin.end();
  }
}

await main();
