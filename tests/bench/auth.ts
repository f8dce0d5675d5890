/**
 * pnpm bench:auth — real Postgres only (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local
 * server), in its own database `zy_bench_auth`, recreated each run; the tenant roles it made are
 * dropped at the end. Prints: authenticated tenant-scoped reads per second (session lookup +
 * permission check + an audit-free read) against the same read with authentication off, same run
 * (target ≥ 0.7); sign-in throughput (argon2-bound by design); sign-in times for unknown users and
 * wrong passwords side by side (they should match: no account enumeration).
 */
import { randomBytes } from "node:crypto";
import { createApp, defineRoute, z } from "@zhengyun/api";
import { createIdentity, identityModule } from "@zhengyun/api/auth";
import { createUser } from "@zhengyun/auth";
import { loadConfig } from "@zhengyun/core";
import { openPostgres, tenantSchema } from "@zhengyun/db";
import { prepareDatabase } from "@zhengyun/db/node";
import { withTenant } from "@zhengyun/tenancy";
import { dropTenantSchemaAndRole, provisionTenant } from "@zhengyun/tenancy/node";
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

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 16);
const base = benchServerUrl;
const BENCH_DB = "zy_bench_auth";
const benchUrl = benchDatabaseUrl(BENCH_DB);
const PASSWORD = "Bench-Pass-2026";

async function recreateDatabase(): Promise<void> {
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${BENCH_DB} with (force)`);
  await admin.unsafe(`create database ${BENCH_DB}`);
  await admin.end();
}

/** Runs `fn` from `workers` concurrent loops for `ms`; returns operations per second. */
async function throughput(workers: number, ms: number, fn: () => Promise<unknown>) {
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

const readRoute = (path: string, permission: string) =>
  defineRoute({
    method: "get",
    path,
    permission,
    request: { params: z.object({ tenant: z.string() }) },
    responses: { 200: { description: "one settings row" } },
  });

async function main(): Promise<void> {
  header("bench:auth", machine());
  await recreateDatabase();
  const db = await openPostgres({ url: benchUrl, max: 10, maxLifetime: 600 });
  await prepareDatabase(db);
  const tenant = await provisionTenant(db, {
    slug: "bench-auth",
    name: "基准区",
    level: "district",
  });
  try {
    // Limits far above what one process can do: this measures authentication, not throttling.
    const config = loadConfig({
      NODE_ENV: "production",
      RATE_LIMIT_TENANT_PER_SEC: "1000000",
      RATE_LIMIT_TENANT_BURST: "1000000",
      SIGN_IN_MAX_FAILURES: "1000000",
    });
    const identity = createIdentity({ config });
    const app = createApp({
      config,
      db,
      logger: { info() {}, warn() {}, error() {} },
      isReady: () => true,
      authenticator: identity.authenticator,
    });
    identityModule(identity).register(app);
    // The same audit-free tenant read behind a permission and behind none.
    const readOne = () =>
      withTenant(db, tenant, (tx) => tx.select().from(tenantSchema.settings).limit(1));
    app.openapi(readRoute("/t/{tenant}/api/v1/bench/read", "cases:read"), async (c) => {
      await readOne();
      return c.body(null, 200);
    });
    app.openapi(readRoute("/t/{tenant}/api/v1/bench/open", "public"), async (c) => {
      await readOne();
      return c.body(null, 200);
    });

    const email = `officer@${randomBytes(3).toString("hex")}.example`;
    await createUser({
      ctx: { db },
      input: { login: email, password: PASSWORD, role: "case_officer", tenantId: tenant.id },
    });
    const signInUrl = `/t/${tenant.slug}/api/v1/auth/sign-in`;
    const signIn = (login: string, password: string) =>
      app.request(signInUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: login, password }),
      });
    const first = await signIn(email, PASSWORD);
    const cookie = (first.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const get = async (path: string, headers: Record<string, string>) => {
      const res = await app.request(`/t/${tenant.slug}/api/v1/bench/${path}`, { headers });
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    };
    await get("read", { cookie });
    await get("open", {});

    // Alternate rounds so drift (autovacuum, cache warm-up) hits both sides alike.
    const auth: number[] = [];
    const open: number[] = [];
    for (let round = 0; round < 2; round++) {
      open.push(await throughput(WORKERS, SECONDS * 1000, () => get("open", {})));
      auth.push(await throughput(WORKERS, SECONDS * 1000, () => get("read", { cookie })));
    }
    const best = (xs: number[]) => Math.max(...xs);
    line("tenant read, no authentication", `${best(open).toFixed(0)} req/s`, `${WORKERS} workers`);
    line(
      "tenant read, session + permission",
      `${best(auth).toFixed(0)} req/s`,
      `${WORKERS} workers`,
    );
    const ratio = best(auth) / best(open);
    line("ratio (target ≥ 0.7)", ratio.toFixed(2), ratio >= 0.7 ? "ok" : "BELOW TARGET");

    const signIns = await throughput(WORKERS, SECONDS * 1000, async () => {
      const res = await signIn(email, PASSWORD);
      if (res.status !== 200) throw new Error(`sign-in: ${res.status}`);
    });
    line("sign-in (argon2id m=19MiB t=2)", `${signIns.toFixed(1)} /s`, `${WORKERS} workers`);

    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < 40; i++) {
      const ghost = `ghost-${randomBytes(5).toString("hex")}@bench.example`;
      unknown.push((await timeIt(async () => signIn(ghost, "Wrong-Pass-1"))).ms);
      wrong.push((await timeIt(async () => signIn(email, "Wrong-Pass-1"))).ms);
    }
    const u = durationStats(unknown);
    const w = durationStats(wrong);
    line("sign-in, unknown user (ms)", `p50 ${u.p50.toFixed(1)}`, `mean ${u.mean.toFixed(1)}`);
    line("sign-in, wrong password (ms)", `p50 ${w.p50.toFixed(1)}`, `mean ${w.mean.toFixed(1)}`);
  } finally {
    await dropTenantSchemaAndRole(db, tenant);
    await db.close();
    const admin = postgres(base, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${BENCH_DB} with (force)`);
    await admin.end();
  }
}

await main();
