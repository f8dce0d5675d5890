/**
 * pnpm bench:metering — real Postgres only (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the
 * local server). In its own database `zy_bench_metering`, recreated each run: a listening server
 * (startServer, JOBS=off) takes BENCH_EVENTS (1,000,000) usage events as 1,000-event batches over
 * HTTP from BENCH_SENDERS concurrent senders with real API keys; then the same rows are COPYed raw
 * into the same table. Prints events/s, batch latency and the ratio to COPY.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { startServer } from "@zhengyun/api/server";
import { loadConfig } from "@zhengyun/core";
import { query } from "@zhengyun/db";
import { bootRuntime, type Runtime } from "@zhengyun/runtime";
import { provisionTenant, type Tenant } from "@zhengyun/tenancy/node";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { bearer, usageAuthenticator } from "../metering-http/helpers.ts";
import { durationStats, header, line, machine } from "./report.ts";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const SENDERS = Number(process.env.BENCH_SENDERS ?? 6);
const BATCH = 1000;
const TENANTS = 4;
const METERS = ["terminal.transactions", "sms.sent", "email.sent", "api.requests"];
const base =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/test";
const BENCH_DB = "zy_bench_metering";
const benchUrl = (() => {
  const u = new URL(base);
  u.pathname = `/${BENCH_DB}`;
  return u.toString();
})();

async function recreateDatabase(): Promise<void> {
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${BENCH_DB} with (force)`);
  await dropBenchRoles(admin);
  await admin.unsafe(`create database ${BENCH_DB}`);
  await admin.end();
}

async function dropBenchRoles(admin: postgres.Sql): Promise<void> {
  const roles = await admin<{ rolname: string }[]>`
    select rolname from pg_roles where rolname like ${`zy_${BENCH_DB}_%`}`;
  for (const r of roles) await admin.unsafe(`drop role if exists "${r.rolname}"`);
}

/** Event i of batch n: the same function feeds the HTTP senders and the COPY baseline. */
const started = Date.now();
function event(n: number, i: number) {
  const k = n * BATCH + i;
  return {
    id: `b${n}-${i}`,
    source: `urn:zy:terminal:${n % 50}`,
    meter: METERS[k % METERS.length] as string,
    quantity: (k % 9) + 1,
    time: new Date(started - 60_000 - (k % 21_600) * 1000).toISOString(),
  };
}

function batchBody(n: number, slug: string): string {
  const parts: string[] = [];
  for (let i = 0; i < BATCH; i++) {
    const e = event(n, i);
    parts.push(
      `{"specversion":"1.0","id":"${e.id}","source":"${e.source}","type":"${e.meter}","time":"${e.time}","subject":"${slug}","data":{"quantity":${e.quantity}}}`,
    );
  }
  return `[${parts.join(",")}]`;
}

async function main(): Promise<void> {
  await recreateDatabase();
  const dir = mkdtempSync(join(tmpdir(), "zy-bench-metering-"));
  let rt: Runtime | undefined;
  const server = await startServer({
    config: loadConfig({
      DATABASE_URL: benchUrl,
      DATA_DIR: dir,
      PORT: "0",
      HOST: "127.0.0.1",
      DEMO: "false",
      JOBS: "off",
      LOG_LEVEL: "silent",
      DB_POOL_MAX: String(SENDERS + 4),
      BODY_LIMIT_BYTES: String(2 * 1024 * 1024),
    }),
    logger: { info: () => {}, warn: () => {}, error: () => {} },
    print: () => {},
    boot: async (cfg) => {
      rt = await bootRuntime({ mode: "server", config: cfg });
      return rt;
    },
    authenticator: usageAuthenticator(() => {
      if (!rt) throw new Error("not booted");
      return { db: rt.db };
    }),
  });
  await server.ready;
  if (!rt) throw new Error("not booted");
  const db = rt.db;
  const tenants: Tenant[] = [];
  const keys: Record<string, string>[] = [];
  for (let t = 0; t < TENANTS; t++) {
    const tenant = await provisionTenant(db, {
      slug: `bench-${t}`,
      name: `压测${t}`,
      level: "district",
    });
    tenants.push(tenant);
    keys.push(await bearer({ db }, tenant.id, ["usage:write"]));
  }

  const post = async (n: number): Promise<number> => {
    const t = n % TENANTS;
    const t0 = performance.now();
    const res = await fetch(`${server.url}/api/v1/usage/events`, {
      method: "POST",
      headers: { "content-type": "application/cloudevents-batch+json", ...keys[t] },
      body: batchBody(n, (tenants[t] as Tenant).slug),
    });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`batch ${n}: HTTP ${res.status}`);
    return performance.now() - t0;
  };

  const batches = Math.ceil(EVENTS / BATCH);
  // Warm-up batches (plans, partitions, connections) are the tail of the run, sent twice.
  for (let n = batches - SENDERS; n < batches; n++) await post(n);
  let next = 0;
  const latencies: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      while (next < batches) latencies.push(await post(next++));
    }),
  );
  const httpSeconds = (performance.now() - t0) / 1000;
  const httpRate = (batches * BATCH) / httpSeconds;

  const [stored] = await query<{ n: string | number }>(
    db.orm,
    sql`select count(*) as n from platform.usage_events where tenant_id like 'ten_%'`,
  );

  // Baseline: the same rows COPYed raw into the same table, under other tenant ids.
  const copySql = postgres(benchUrl, { max: 1, onnotice: () => {} });
  const rows = async function* () {
    for (let n = 0; n < batches; n++) {
      const tenant = `copy_${n % TENANTS}`;
      let chunk = "";
      for (let i = 0; i < BATCH; i++) {
        const e = event(n, i);
        chunk += `${tenant}\t${e.source}\t${e.id}\t${e.meter}\t${e.quantity}\t${e.time}\n`;
      }
      yield chunk;
    }
  };
  const c0 = performance.now();
  const writable = await copySql`copy platform.usage_events
    (tenant_id, source, event_id, meter, quantity, occurred_at) from stdin`.writable();
  await pipeline(Readable.from(rows()), writable);
  const copyRate = (batches * BATCH) / ((performance.now() - c0) / 1000);
  await copySql.end();

  const lat = durationStats(latencies);
  header("bench:metering", machine());
  line(
    "events over HTTP",
    (batches * BATCH).toLocaleString("en"),
    `${SENDERS} senders, ${BATCH}/batch, ${TENANTS} tenants`,
  );
  line("events stored (raw table)", Number(stored?.n ?? 0).toLocaleString("en"));
  line("HTTP ingest", `${Math.round(httpRate).toLocaleString("en")}/s`, "target ≥ 50,000/s");
  line("batch latency p50 / p99", `${lat.p50.toFixed(0)} / ${lat.p99.toFixed(0)} ms`);
  line("raw COPY, same rows and table", `${Math.round(copyRate).toLocaleString("en")}/s`);
  line("HTTP ÷ COPY", (httpRate / copyRate).toFixed(3), "target ≥ 0.1");

  await server.close();
  rmSync(dir, { recursive: true, force: true });
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${BENCH_DB} with (force)`);
  await dropBenchRoles(admin);
  await admin.end();
}

await main();
