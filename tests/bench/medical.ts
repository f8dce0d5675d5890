/**
 * pnpm bench:medical — real Postgres only (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the
 * local server), in its own database `zy_bench_medical`, recreated each run. Settles BENCH_CLAIMS
 * (default 1,000,000) claims for BENCH_PERSONS (default 200,000) persons through the batch path,
 * compares the rate with a COPY of the same settlement rows, then measures single settlements over
 * HTTP under concurrent load.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "@zhengyun/api";
import { loadConfig } from "@zhengyun/core";
import { type Database, openPostgres, query } from "@zhengyun/db";
import { prepareDatabase } from "@zhengyun/db/node";
import {
  type MiCtx,
  makeNationalId,
  medicalModule,
  registerEmployer,
  samplePolicy,
  setParameters,
  settleBatch,
  upsertInstitution,
} from "@zhengyun/medical-insurance";
import { ensureMeters } from "@zhengyun/metering";
import { withTenant } from "@zhengyun/tenancy";
import { provisionTenant } from "@zhengyun/tenancy/node";
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

const CLAIMS = Number(process.env.BENCH_CLAIMS ?? 1_000_000);
const PERSONS = Number(process.env.BENCH_PERSONS ?? 200_000);
const HTTP_REQUESTS = Number(process.env.BENCH_HTTP_REQUESTS ?? 3000);
const HTTP_CONCURRENCY = Number(process.env.BENCH_HTTP_CONCURRENCY ?? 16);
const LANES = Number(process.env.BENCH_LANES ?? 2); // person-disjoint concurrent streams per file
const FILE_CLAIMS = 50_000; // one uploaded "day file" per settleBatch call
const base = benchServerUrl;
const BENCH_DB = "zy_bench_medical";
const benchUrl = benchDatabaseUrl(BENCH_DB);
const LEVELS = ["community", "1", "2", "3"] as const;
const codeOf = (i: number) => `H${i % 4}${String(i).padStart(5, "0")}`;

async function recreate(): Promise<void> {
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${BENCH_DB} with (force)`);
  const roles = await admin<{ rolname: string }[]>`
    select rolname from pg_roles where rolname like 'zy_zy_bench_med_%'`;
  for (const r of roles) await admin.unsafe(`drop role if exists "${r.rolname}"`);
  await admin.unsafe(`create database ${BENCH_DB}`);
  if (process.env.BENCH_AUTO_EXPLAIN) {
    // Profiling aid: the server log gets EXPLAIN ANALYZE of every statement slower than this (ms).
    await admin.unsafe(`alter database ${BENCH_DB} set session_preload_libraries = 'auto_explain'`);
    for (const [k, v] of Object.entries({
      log_min_duration: Number(process.env.BENCH_AUTO_EXPLAIN),
      log_analyze: "on",
      log_buffers: "on",
      log_nested_statements: "on",
    })) {
      await admin.unsafe(`alter database ${BENCH_DB} set auto_explain.${k} = '${v}'`);
    }
  }
  await admin.end();
}

/** Persons inserted set-based (setup, not measured). */
async function seedPersons(db: Database, ctx: MiCtx): Promise<string[]> {
  const ids: string[] = [];
  for (let from = 0; from < PERSONS; from += 20_000) {
    const rows: Record<string, unknown>[] = [];
    for (let i = from; i < Math.min(PERSONS, from + 20_000); i++) {
      const id = `psn_bench${String(i).padStart(8, "0")}`;
      ids.push(id);
      const birth = `19${50 + (i % 50)}0${1 + (i % 9)}1${i % 10}`;
      rows.push({
        id,
        national_id: makeNationalId(String(110101 + Math.floor(i / 1000)), birth, i % 1000),
        scheme: i % 3 === 2 ? "390" : "310",
        employment: i % 5 === 0 ? "retired" : "in_service",
        account_balance: i % 3 === 2 ? 0 : 50_000,
        birth: `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`,
      });
    }
    await withTenant(db, ctx.tenant, (tx) =>
      query(
        tx,
        sql`insert into mi_persons (id, national_id, name, sex, birth_date, scheme, employment,
              employer_id, account_balance, covered_through)
            select id, national_id, '参保人', 'M', birth::date, scheme, employment,
              case when scheme = '310' then 'mie_bench' end, account_balance, '2026-12-31'
            from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(id text,
              national_id text, scheme text, employment text, account_balance bigint, birth text)`,
      ),
    );
  }
  return ids;
}

function dayFile(ids: string[], from: number, n: number): string {
  const out: string[] = [];
  for (let i = from; i < from + n; i++) {
    const inpatient = i % 10 === 0;
    const day = 1 + (i % 28);
    out.push(
      JSON.stringify({
        personId: ids[(i * 7919) % ids.length],
        institutionCode: codeOf(i % 40),
        visitType: inpatient ? "inpatient" : "outpatient",
        date: `2026-0${1 + (i % 9)}-${String(day).padStart(2, "0")}`,
        useAccount: i % 2 === 0,
        items: [
          {
            code: "A0001",
            class: "甲",
            quantity: 1,
            unitPrice: inpatient ? 800_000 : 12_000 + (i % 997),
          },
          { code: "B0001", class: "乙", quantity: 2, unitPrice: 3_300 },
          { code: "C0001", class: "丙", quantity: 1, unitPrice: 1_500 },
        ],
      }),
    );
  }
  return out.join("\n");
}

async function copyBaseline(schema: string): Promise<number> {
  const pg = postgres(benchUrl, { max: 2, onnotice: () => {} });
  await pg.unsafe(`create table ${schema}.mi_settlements_copy (like ${schema}.mi_settlements)`);
  const t0 = performance.now();
  const from = await pg.unsafe(`copy ${schema}.mi_settlements to stdout`).readable();
  const to = await pg.unsafe(`copy ${schema}.mi_settlements_copy from stdin`).writable();
  await new Promise<void>((resolve, reject) => {
    from.pipe(to).on("finish", resolve).on("error", reject);
    from.on("error", reject);
  });
  const ms = performance.now() - t0;
  await pg.end();
  return ms;
}

async function httpLatency(db: Database, slug: string, tenantId: string, ids: string[]) {
  const app = createApp({
    config: loadConfig({ NODE_ENV: "production", BODY_LIMIT_BYTES: "1048576" }),
    db,
    logger: { info() {}, warn() {}, error() {} },
    isReady: () => true,
    authenticator: {
      authenticate: async () => ({
        kind: "staff",
        id: "usr_bench",
        tenantId,
        roles: ["mi_officer"],
        scopes: [],
      }),
      authorize: (_p, permission) => permission.startsWith("mi:"),
    },
  });
  medicalModule.register(app);
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const r = await app.fetch(
      new Request(`http://bench${req.url}`, {
        method: req.method ?? "GET",
        headers: req.headers as Record<string, string>,
        ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
      }),
    );
    res.writeHead(r.status, Object.fromEntries(r.headers));
    res.end(Buffer.from(await r.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/t/${slug}/api/v1/medical/settlements`;
  const samples: number[] = [];
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < HTTP_REQUESTS) {
      const i = next++;
      const body = JSON.parse(dayFile(ids, CLAIMS + i, 1));
      const t0 = performance.now();
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      await res.arrayBuffer();
      samples.push(performance.now() - t0);
      if (res.status !== 201) failed++;
    }
  };
  const cpu0 = process.cpuUsage();
  const { ms } = await timeIt(() => Promise.all(Array.from({ length: HTTP_CONCURRENCY }, worker)));
  const cpu = process.cpuUsage(cpu0);
  server.close();
  // Client and server share this process: its CPU per request bounds what 2 cores can queue.
  const cpuMs = (cpu.user + cpu.system) / 1000 / samples.length;
  return { ...durationStats(samples), rps: (samples.length / ms) * 1000, failed, cpuMs };
}

async function main(): Promise<void> {
  header("bench:medical", machine());
  await recreate();
  const db = await openPostgres({ url: benchUrl, max: 20 });
  try {
    await prepareDatabase(db);
    await ensureMeters(db);
    const tenant = await provisionTenant(db, { slug: "bench-mi", name: "医保压测", level: "city" });
    const ctx: MiCtx = { db, tenant, actorId: "usr_bench", actorRole: "mi_officer" };
    for (const scheme of ["310", "390"] as const) {
      await setParameters(ctx, {
        year: 2026,
        scheme,
        effectiveFrom: "2026-01-01",
        params: samplePolicy(scheme),
      });
    }
    for (let i = 0; i < 40; i++) {
      await upsertInstitution(ctx, {
        code: codeOf(i),
        name: `机构${i}`,
        level: LEVELS[i % 4] ?? "1",
        type: "hospital",
      });
    }
    await registerEmployer(ctx, { code: "BENCH0001", name: "压测单位" });
    await withTenant(db, tenant, (tx) => query(tx, sql`update mi_employers set id = 'mie_bench'`));
    const seeded = await timeIt(() => seedPersons(db, ctx));
    const ids = seeded.value;
    line(
      "persons seeded",
      ids.length.toLocaleString("en"),
      `${(seeded.ms / 1000).toFixed(1)} s (setup)`,
    );

    let settled = 0;
    let rejected = 0;
    let batchMs = 0;
    let cpuUs = 0;
    for (let from = 0; from < CLAIMS; from += FILE_CLAIMS) {
      const text = dayFile(ids, from, Math.min(FILE_CLAIMS, CLAIMS - from));
      const c0 = process.cpuUsage();
      const r = await timeIt(() =>
        settleBatch(ctx, text, "jsonl", { chunkSize: 5000, lanes: LANES }),
      );
      const c = process.cpuUsage(c0);
      cpuUs += c.user + c.system;
      batchMs += r.ms;
      settled += r.value.settled;
      rejected += r.value.rejected;
    }
    const rate = (settled / batchMs) * 1000;
    line(
      "batch settlements",
      settled.toLocaleString("en"),
      `${rejected} rejected, ${(batchMs / 1000).toFixed(1)} s`,
    );
    line("batch rate", `${Math.round(rate).toLocaleString("en")}/s`, "target ≥ 10,000/s");
    line(
      "batch Node CPU",
      `${(cpuUs / 1000 / batchMs).toFixed(2)} cores`,
      `${(cpuUs / settled).toFixed(1)} µs per claim (parse, validate, compute)`,
    );
    const copyMs = await copyBaseline(tenant.schemaName);
    const copyRate = (settled / copyMs) * 1000;
    line(
      "COPY of the same rows",
      `${Math.round(copyRate).toLocaleString("en")}/s`,
      `${(copyMs / 1000).toFixed(1)} s`,
    );
    line("batch / COPY", `${((rate / copyRate) * 100).toFixed(1)}%`);

    const h = await httpLatency(db, tenant.slug, tenant.id, ids);
    line(
      "HTTP single settlement p50",
      `${h.p50.toFixed(1)} ms`,
      `${HTTP_CONCURRENCY} concurrent clients`,
    );
    line("HTTP single settlement p99", `${h.p99.toFixed(1)} ms`, "target ≤ 50 ms");
    line("HTTP throughput", `${Math.round(h.rps)}/s`, `${h.failed} not 201`);
    line(
      "HTTP Node CPU per settlement",
      `${h.cpuMs.toFixed(2)} ms`,
      "client and server in this process",
    );
  } finally {
    await db.close();
  }
  // BENCH_KEEP leaves the database behind for EXPLAIN ANALYZE.
  if (!process.env.BENCH_KEEP) {
    const admin = postgres(base, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${BENCH_DB} with (force)`);
    const roles = await admin<{ rolname: string }[]>`
      select rolname from pg_roles where rolname like 'zy_zy_bench_med_%'`;
    for (const r of roles) await admin.unsafe(`drop role if exists "${r.rolname}"`);
    await admin.end();
  }
}

await main();
