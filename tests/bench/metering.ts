/**
 * pnpm bench:metering — real Postgres only (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the
 * local server). In its own database `zy_bench_metering`, recreated each run: the server
 * (startServer with its own identity authenticator, JOBS=off) runs in a child process of its own,
 * so the senders never share its event loop; BENCH_SENDERS (8) concurrent senders in this process
 * post BENCH_EVENTS (1,000,000) usage events as 1,000-event batches over HTTP with real
 * `usage:write` keys; then the same rows are COPYed raw into the same table. Prints events/s,
 * batch latency and the ratio to COPY, and fails unless the rows and rollups committed equal the
 * events sent. BENCH_PROFILE=<dir> writes CPU profiles of both processes there (node --cpu-prof).
 */
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import {
  benchDatabaseUrl,
  benchServerEnv,
  benchServerUrl,
  cpuSeconds,
  durationStats,
  header,
  line,
  machine,
} from "./report.ts";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const SENDERS = Number(process.env.BENCH_SENDERS ?? 8);
const PROFILE = process.env.BENCH_PROFILE;
const BATCH = 1000;
const TENANTS = 4;
const METERS = ["terminal.transactions", "sms.sent", "email.sent", "api.requests"];
const base = benchServerUrl;
const BENCH_DB = "zy_bench_metering";
const benchUrl = benchDatabaseUrl(BENCH_DB);

interface Ready {
  url: string;
  tenants: { id: string; slug: string }[];
  keys: Record<string, string>[];
}

/**
 * The server process: boots on the bench database, provisions the tenants and their keys, reports
 * them to the parent and closes when told to. The rate limits are raised: in the field these
 * batches come from many terminals (many IPs and keys); here they all come from one.
 */
async function serve(): Promise<void> {
  const { startServer } = await import("@zhengyun/api/server");
  const { loadConfig } = await import("@zhengyun/core");
  const { bootRuntime } = await import("@zhengyun/runtime");
  const { provisionTenant } = await import("@zhengyun/tenancy/node");
  const { bearer } = await import("../metering-http/helpers.ts");
  const dir = mkdtempSync(join(tmpdir(), "zy-bench-metering-"));
  let db: import("@zhengyun/db").Database | undefined;
  const server = await startServer({
    config: loadConfig(
      benchServerEnv({
        databaseUrl: benchUrl,
        dataDir: dir,
        poolMax: SENDERS + 4,
        bodyLimitBytes: 2 * 1024 * 1024,
      }),
    ),
    logger: { info: () => {}, warn: () => {}, error: (o, m) => console.error(m, o) },
    print: () => {},
    boot: async (cfg) => {
      const rt = await bootRuntime({ mode: "server", config: cfg });
      db = rt.db;
      return rt;
    },
  });
  await server.ready;
  if (!db) throw new Error("not booted");
  const ready: Ready = { url: server.url, tenants: [], keys: [] };
  for (let t = 0; t < TENANTS; t++) {
    const tenant = await provisionTenant(db, {
      slug: `bench-${t}`,
      name: `压测${t}`,
      level: "district",
    });
    ready.tenants.push({ id: tenant.id, slug: tenant.slug });
    ready.keys.push(await bearer({ db }, tenant.id, ["usage:write"]));
  }
  process.on("message", async (m) => {
    if (m !== "close") return;
    await server.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
  process.send?.(ready);
}

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

function batchBody(n: number, slug: string, prefix = ""): string {
  const parts: string[] = [];
  for (let i = 0; i < BATCH; i++) {
    const e = event(n, i);
    parts.push(
      `{"specversion":"1.0","id":"${prefix}${e.id}","source":"${e.source}","type":"${e.meter}","time":"${e.time}","subject":"${slug}","data":{"quantity":${e.quantity}}}`,
    );
  }
  return `[${parts.join(",")}]`;
}

/** Sum of the quantities of batches [0, batches): the ground truth of the timed run. */
function truth(batches: number): number {
  let sum = 0;
  for (let k = 0; k < batches * BATCH; k++) sum += (k % 9) + 1;
  return sum;
}

/** Postgres runs on this machine, so its backends' /proc entries are readable here. */
const LOCAL_DB = ["localhost", "127.0.0.1", "[::1]"].includes(new URL(base).hostname);

/** CPU seconds of the sender (this process), the server and the bench database's backends. */
async function cpuSplit(serverPid: number, db: postgres.Sql) {
  const backends = LOCAL_DB
    ? await db<{ pid: number }[]>`
        select pid from pg_stat_activity where datname = ${BENCH_DB} and pid <> pg_backend_pid()`
    : [];
  return {
    sender: cpuSeconds("self"),
    server: cpuSeconds(serverPid),
    backends: new Map(backends.map((b) => [b.pid, cpuSeconds(b.pid)])),
  };
}

type CpuSplit = Awaited<ReturnType<typeof cpuSplit>>;

/** CPU ms per batch of each side between two readings (backends opened meanwhile count fully). */
function cpuPerBatch(a: CpuSplit, b: CpuSplit, batches: number): string {
  let pg = 0;
  for (const [pid, s] of b.backends) pg += s - (a.backends.get(pid) ?? 0);
  const ms = (s: number) => ((s * 1000) / batches).toFixed(1);
  return `sender ${ms(b.sender - a.sender)}, server ${ms(b.server - a.server)}, postgres ${ms(pg)}`;
}

async function main(): Promise<void> {
  await recreateDatabase();
  const child = fork(fileURLToPath(import.meta.url), [], {
    execArgv: ["--import", "tsx", ...(PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE}`] : [])],
    env: { ...process.env, BENCH_METERING_ROLE: "server" },
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once("message", (m) => resolve(m as Ready));
    child.once("exit", (code) => reject(new Error(`server exited (${code}) before it was ready`)));
  });
  const { url, tenants, keys } = ready;

  // The senders are the load generator and share the 2 cores with the server and Postgres, so
  // they stay light: bodies built before the clock starts, plain node:http with keep-alive.
  const agent = new Agent({ keepAlive: true, maxSockets: SENDERS });
  const target = new URL(`${url}/api/v1/usage/events`);
  const send = (n: number, body: Buffer): Promise<void> =>
    new Promise((resolve, reject) => {
      const t = n % TENANTS;
      const req = request(
        target,
        {
          method: "POST",
          agent,
          headers: {
            "content-type": "application/cloudevents-batch+json",
            "content-length": body.length,
            ...keys[t],
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            if (res.statusCode === 200) resolve();
            else {
              const text = Buffer.concat(chunks).toString("utf8").slice(0, 300);
              reject(new Error(`batch ${n}: HTTP ${res.statusCode} ${text}`));
            }
          });
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  const bodyOf = (n: number, prefix = "") =>
    Buffer.from(batchBody(n, (tenants[n % TENANTS] as { slug: string }).slug, prefix));

  const batches = Math.ceil(EVENTS / BATCH);
  // Warm-up (plans, partitions, connections, JIT) with ids of its own, not counted below.
  await Promise.all(Array.from({ length: SENDERS * 2 }, (_, n) => send(n, bodyOf(n, "w"))));
  const bodies = Array.from({ length: batches }, (_, n) => bodyOf(n));
  let next = 0;
  const latencies: number[] = [];
  const load0 = loadavg()[0] ?? 0;
  const monitor = postgres(benchUrl, { max: 1, onnotice: () => {} });
  const cpu0 = await cpuSplit(child.pid as number, monitor);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      while (next < batches) {
        const n = next++;
        const sent = performance.now();
        await send(n, bodies[n] as Buffer);
        latencies.push(performance.now() - sent);
      }
    }),
  );
  const httpSeconds = (performance.now() - t0) / 1000;
  const httpRate = (batches * BATCH) / httpSeconds;
  const load1 = loadavg()[0] ?? 0;
  const cpu = cpuPerBatch(cpu0, await cpuSplit(child.pid as number, monitor), batches);
  await monitor.end();

  // What was committed: raw rows and daily rollups of the timed run (warm-up ids excluded).
  const check = postgres(benchUrl, { max: 1, onnotice: () => {} });
  const [raw] = await check<{ n: string; q: string }[]>`
    select count(*) as n, sum(quantity) as q from platform.usage_events
    where tenant_id like 'ten_%' and event_id not like 'w%'`;
  const [warm] = await check<{ n: string; q: string }[]>`
    select count(*) as n, sum(quantity) as q from platform.usage_events
    where tenant_id like 'ten_%' and event_id like 'w%'`;
  const [daily] = await check<{ n: string; q: string }[]>`
    select sum(events) as n, sum(quantity) as q from platform.usage_daily
    where tenant_id like 'ten_%'`;
  const storedEvents = Number(raw?.n);
  const expectedQuantity = truth(batches);
  const rollupOk =
    Number(daily?.n) === storedEvents + Number(warm?.n) &&
    Number(daily?.q) === Number(raw?.q) + Number(warm?.q);
  await check.end();

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
  const [copyBackend] = await copySql<{ pid: number }[]>`select pg_backend_pid() as pid`;
  const copyPid = LOCAL_DB ? (copyBackend?.pid ?? 0) : 0;
  const copyCpu0 = cpuSeconds(copyPid);
  const c0 = performance.now();
  const writable = await copySql`copy platform.usage_events
    (tenant_id, source, event_id, meter, quantity, occurred_at) from stdin`.writable();
  await pipeline(Readable.from(rows()), writable);
  const copyRate = (batches * BATCH) / ((performance.now() - c0) / 1000);
  const copyCpu = (((cpuSeconds(copyPid) - copyCpu0) * 1000) / batches).toFixed(1);
  await copySql.end();

  child.send("close");
  await exited;

  const lat = durationStats(latencies);
  header("bench:metering", machine());
  line(
    "events over HTTP",
    (batches * BATCH).toLocaleString("en"),
    `${SENDERS} senders, ${BATCH}/batch, ${TENANTS} tenants; server in its own process`,
  );
  line(
    "events committed (raw rows)",
    storedEvents.toLocaleString("en"),
    `quantity ${Number(raw?.q) === expectedQuantity ? "=" : "≠"} ground truth; rollups ${rollupOk ? "=" : "≠"} raw`,
  );
  line("HTTP ingest", `${Math.round(httpRate).toLocaleString("en")}/s`, "target ≥ 50,000/s");
  line("batch latency p50 / p99", `${lat.p50.toFixed(0)} / ${lat.p99.toFixed(0)} ms`);
  line("CPU ms per 1,000-event batch", "", cpu);
  line(
    "raw COPY, same rows and table",
    `${Math.round(copyRate).toLocaleString("en")}/s`,
    `postgres CPU ${copyCpu} ms per 1,000 rows`,
  );
  line("HTTP ÷ COPY", (httpRate / copyRate).toFixed(3), "target ≥ 0.1");
  line("load average (1 min)", `${load0.toFixed(1)} → ${load1.toFixed(1)}`, "before → after");

  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${BENCH_DB} with (force)`);
  await dropBenchRoles(admin);
  await admin.end();
  if (storedEvents !== batches * BATCH || Number(raw?.q) !== expectedQuantity || !rollupOk) {
    throw new Error("committed events differ from the events sent");
  }
}

if (process.env.BENCH_METERING_ROLE === "server") await serve();
else await main();
