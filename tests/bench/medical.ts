/**
 * pnpm bench:medical — real Postgres only (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the
 * local server), in its own database `zy_bench_medical`, recreated each run. Settles BENCH_CLAIMS
 * (default 1,000,000) claims for BENCH_PERSONS (default 200,000) persons through the batch path,
 * compares the rate with a COPY of the same settlement rows, then measures single settlements over
 * HTTP under concurrent load: the product's server in a child process, signed-in clients here.
 */
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sessionCookieName } from "@zhengyun/auth";
import { loadConfig, ManualClock } from "@zhengyun/core";
import { type Database, openPostgres, query } from "@zhengyun/db";
import { prepareDatabase } from "@zhengyun/db/node";
import {
  type MiCtx,
  makeNationalId,
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
import { identityFactory } from "../harness/identity.ts";
import {
  benchDatabaseUrl,
  benchServerEnv,
  benchServerUrl,
  cpuSeconds,
  durationStats,
  header,
  line,
  machine,
  timeIt,
} from "./report.ts";

const CLAIMS = Number(process.env.BENCH_CLAIMS ?? 1_000_000);
const PERSONS = Number(process.env.BENCH_PERSONS ?? 200_000);
const HTTP_REQUESTS = Number(process.env.BENCH_HTTP_REQUESTS ?? 10_000);
const HTTP_CONCURRENCY = Number(process.env.BENCH_HTTP_CONCURRENCY ?? 16);
const PROFILE = process.env.BENCH_PROFILE; // a directory: CPU profile of the server process
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

/**
 * The server process: the product's own server (startServer: @hono/node-server, the identity
 * authenticator, every middleware) on the bench database, with JOBS off; it reports its URL and
 * closes when told to. Settlement traffic from a city's hospitals is the load itself, not abuse:
 * the rate limits are raised (benchServerEnv) as such a deployment's would be.
 */
async function serve(): Promise<void> {
  const { startServer } = await import("@zhengyun/api/server");
  const dir = mkdtempSync(join(tmpdir(), "zy-bench-medical-"));
  const server = await startServer({
    config: loadConfig(
      benchServerEnv({ databaseUrl: benchUrl, dataDir: dir, poolMax: HTTP_CONCURRENCY + 4 }),
    ),
    logger: { info: () => {}, warn: () => {}, error: (o, m) => console.error(m, o) },
    print: () => {},
  });
  await server.ready;
  process.on("message", async (m) => {
    if (m !== "close") return;
    await server.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
  process.send?.({ url: server.url });
}

/**
 * Single settlements over HTTP from HTTP_CONCURRENCY closed-loop clients in this process (plain
 * node:http with keep-alive, bodies built before the clock starts) against the server in a child
 * process, signed in as a real mi_officer (session cookie, TOTP enrolled), as the console would.
 */
async function httpLatency(db: Database, slug: string, tenantId: string, ids: string[]) {
  // The manual clock starts now: the server checks the session against the real one.
  const people = identityFactory(db, new ManualClock(new Date().toISOString()));
  const officer = await people.create({ role: "mi_officer", tenantId });
  const token = await people.signInStaff(officer.email, tenantId);
  const child = fork(fileURLToPath(import.meta.url), [], {
    execArgv: ["--import", "tsx", ...(PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE}`] : [])],
    env: { ...process.env, BENCH_MEDICAL_ROLE: "server" },
  });
  try {
    const { url } = await new Promise<{ url: string }>((resolve, reject) => {
      child.once("message", (m) => resolve(m as { url: string }));
      child.once("exit", (code) =>
        reject(new Error(`server exited (${code}) before it was ready`)),
      );
    });
    const agent = new Agent({ keepAlive: true, maxSockets: HTTP_CONCURRENCY });
    const target = new URL(`${url}/t/${slug}/api/v1/medical/settlements`);
    const post = (body: Buffer) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request(
          target,
          {
            method: "POST",
            agent,
            headers: {
              "content-type": "application/json",
              "content-length": body.length,
              cookie: `${sessionCookieName(false)}=${token}`,
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () =>
              resolve({
                status: res.statusCode ?? 0,
                text: Buffer.concat(chunks).toString("utf8"),
              }),
            );
            res.on("error", reject);
          },
        );
        req.on("error", reject);
        req.end(body);
      });
    const bodyOf = (i: number) => Buffer.from(dayFile(ids, CLAIMS + i, 1));
    // Warm-up (connections, plans, the session cache), claims of its own, not counted below.
    const warm = Array.from({ length: 1000 }, (_, i) => bodyOf(HTTP_REQUESTS + i));
    for (const r of await Promise.all(warm.map(post))) {
      if (r.status !== 201) throw new Error(`warm-up: HTTP ${r.status} ${r.text.slice(0, 300)}`);
    }
    const bodies = Array.from({ length: HTTP_REQUESTS }, (_, i) => bodyOf(i));
    const samples: number[] = [];
    let next = 0;
    let failed = 0;
    const worker = async () => {
      while (next < HTTP_REQUESTS) {
        const body = bodies[next++] as Buffer;
        const t0 = performance.now();
        const r = await post(body);
        samples.push(performance.now() - t0);
        if (r.status !== 201 && failed++ < 3) console.error(`HTTP ${r.status}: ${r.text}`);
      }
    };
    const serverPid = child.pid as number;
    const cpu0 = { client: process.cpuUsage(), server: cpuSeconds(serverPid) };
    const { ms } = await timeIt(() =>
      Promise.all(Array.from({ length: HTTP_CONCURRENCY }, worker)),
    );
    const client = process.cpuUsage(cpu0.client);
    const serverMs = ((cpuSeconds(serverPid) - cpu0.server) * 1000) / samples.length;
    const clientMs = (client.user + client.system) / 1000 / samples.length;
    agent.destroy();
    return {
      ...durationStats(samples),
      rps: (samples.length / ms) * 1000,
      failed,
      serverMs,
      clientMs,
    };
  } finally {
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.send("close");
    await exited;
    await people.cleanup();
  }
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
    if (h.failed > 0) throw new Error(`${h.failed} single settlements were not created`);
    line(
      "HTTP CPU per settlement",
      `${h.serverMs.toFixed(2)} ms`,
      `server process; clients ${h.clientMs.toFixed(2)} ms (this process)`,
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

if (process.env.BENCH_MEDICAL_ROLE === "server") await serve();
else await main();
