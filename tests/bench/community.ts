/**
 * pnpm bench:community — real Postgres only (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the
 * local server), in its own database `zy_bench_community`, recreated each run. Loads BENCH_REQUESTS
 * (default 200,000) requests into one tenant, then measures GET requests.json with filters through
 * the full app (tenant resolution, guard, Open311 rendering) against a bare Hono route running the
 * same query in the same run, and Open311 POST throughput with an API key.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "@zhengyun/api";
import { createApiKey } from "@zhengyun/auth";
import { type CsCtx, searchRequests } from "@zhengyun/community";
import { loadConfig, systemClock } from "@zhengyun/core";
import { type Database, openPostgres, query } from "@zhengyun/db";
import { prepareDatabase } from "@zhengyun/db/node";
import { ensureMeters } from "@zhengyun/metering";
import { withTenant } from "@zhengyun/tenancy";
import { provisionTenant } from "@zhengyun/tenancy/node";
import { sql } from "drizzle-orm";
import { Hono } from "hono";
import postgres from "postgres";
import { seedServices, seedTree } from "../community/fixtures.ts";
import { apiKeyAuthenticator } from "../community/open311-helpers.ts";
import {
  benchDatabaseUrl,
  benchServerUrl,
  durationStats,
  header,
  line,
  machine,
  timeIt,
} from "./report.ts";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200_000);
const GETS = Number(process.env.BENCH_GETS ?? 2000);
const POSTS = Number(process.env.BENCH_POSTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const DAY_MS = 86_400_000;
const base = benchServerUrl;
const BENCH_DB = "zy_bench_community";
const benchUrl = benchDatabaseUrl(BENCH_DB);

async function recreate(): Promise<void> {
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${BENCH_DB} with (force)`);
  const roles = await admin<{ rolname: string }[]>`
    select rolname from pg_roles where rolname like 'zy_zy_bench_com%'`;
  for (const r of roles) await admin.unsafe(`drop role if exists "${r.rolname}"`);
  await admin.unsafe(`create database ${BENCH_DB}`);
  await admin.end();
}

/** Requests over the last year, set-based (setup, not measured). */
async function load(db: Database, ctx: CsCtx, centreIds: string[]): Promise<void> {
  await withTenant(db, ctx.tenant, async (tx) => {
    await query(
      tx,
      sql`insert into cs_requests (token, service_code, channel, description, lat, long, address,
            centre_id, state, due_at, requested_at, updated_at)
          select 'bench' || g, case when g % 3 = 0 then 'PERMIT' else 'ROAD01' end, 'open311',
            '路面问题 ' || g, 39.9, 116.3, '示例路 ' || g || ' 号',
            (string_to_array(${centreIds.join(",")}, ','))[1 + g % ${centreIds.length}],
            (array['received','dispatched','in_progress','replied','closed'])[1 + g % 5],
            now() - (g % 365) * interval '1 day' + interval '1 day',
            now() - (g % 365) * interval '1 day' - (g % 1440) * interval '1 minute',
            now() - (g % 365) * interval '1 day'
          from generate_series(1, ${REQUESTS}) g`,
    );
  });
  // As the owner: the tenant role may not ANALYZE, and without statistics the planner sorts.
  await query(db.orm, sql.raw(`analyze "${ctx.tenant.schemaName}".cs_requests`));
}

function serve(fetch: (r: Request) => Promise<Response> | Response) {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const r = await fetch(
      new Request(`http://bench${req.url}`, {
        method: req.method ?? "GET",
        headers: req.headers as Record<string, string>,
        ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
      }),
    );
    res.writeHead(r.status, Object.fromEntries(r.headers));
    res.end(Buffer.from(await r.arrayBuffer()));
  });
  // Longer than the client's keep-alive, so the server never closes a socket the client reuses.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return new Promise<{ url: string; close: () => void }>((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => server.close(),
      }),
    ),
  );
}

/** The i-th query: a 30-day window somewhere in the year, one service, open requests. */
function filters(i: number, now: number) {
  const end = new Date(now - (i % 330) * DAY_MS);
  const start = new Date(end.getTime() - 30 * DAY_MS);
  return { serviceCode: i % 2 ? "ROAD01" : "PERMIT", start, end };
}

async function drive(count: number, send: (i: number) => Promise<Response>, expect: number) {
  const samples: number[] = [];
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const t0 = performance.now();
      try {
        const res = await send(i);
        await res.arrayBuffer();
        if (res.status !== expect) failed++;
      } catch {
        failed++;
      }
      samples.push(performance.now() - t0);
    }
  };
  const { ms } = await timeIt(() => Promise.all(Array.from({ length: CONCURRENCY }, worker)));
  return { ...durationStats(samples), rps: (samples.length / ms) * 1000, failed };
}

async function main(): Promise<void> {
  header("bench:community", machine());
  await recreate();
  const db = await openPostgres({ url: benchUrl, max: 20 });
  try {
    await prepareDatabase(db);
    await ensureMeters(db);
    const tenant = await provisionTenant(db, { slug: "bench-cs", name: "社区压测", level: "city" });
    const ctx: CsCtx = { db, tenant };
    const tree = await seedTree(ctx);
    await seedServices(ctx);
    const { ms: loadMs } = await timeIt(() =>
      load(
        db,
        ctx,
        tree.communities.map((c) => c.id),
      ),
    );
    line("requests loaded", REQUESTS.toLocaleString("en"), `${(loadMs / 1000).toFixed(1)} s`);

    const app = createApp({
      config: loadConfig({ NODE_ENV: "production", BODY_LIMIT_BYTES: "1048576" }),
      db,
      logger: { info() {}, warn() {}, error() {} },
      isReady: () => true,
      authenticator: apiKeyAuthenticator(db, systemClock),
    });
    const bare = new Hono();
    bare.get("/bare", async (c) => {
      const q = c.req.query();
      const found = await withTenant(db, tenant, (tx) =>
        searchRequests(
          tx,
          {
            serviceCodes: [q.service_code ?? ""],
            status: ["open"],
            start: new Date(q.start_date ?? ""),
            end: new Date(q.end_date ?? ""),
          },
          new Date(),
        ),
      );
      return c.json(found);
    });
    const full = await serve((r) => app.fetch(r));
    const plain = await serve((r) => bare.fetch(r));
    const now = Date.now();
    const qs = (i: number) => {
      const f = filters(i, now);
      return `service_code=${f.serviceCode}&status=open&start_date=${f.start.toISOString()}&end_date=${f.end.toISOString()}`;
    };
    const getFull = (i: number) =>
      fetch(`${full.url}/t/${tenant.slug}/open311/v2/requests.json?${qs(i)}`);
    const getBare = (i: number) => fetch(`${plain.url}/bare?${qs(i)}`);
    await drive(200, getFull, 200);
    await drive(200, getBare, 200);
    const b = await drive(GETS, getBare, 200);
    const a = await drive(GETS, getFull, 200);
    const fmt = (s: typeof a) => `${s.rps.toFixed(0)} req/s`;
    line("GET bare Hono + same query", fmt(b), `p95 ${b.p95.toFixed(1)} ms, failed ${b.failed}`);
    line("GET requests.json (full app)", fmt(a), `p95 ${a.p95.toFixed(1)} ms, failed ${a.failed}`);
    line("ratio req/s (target ≥ 0.8)", (a.rps / b.rps).toFixed(2));
    line("ratio p95 (bare / full)", (b.p95 / a.p95).toFixed(2));

    const { key } = await createApiKey({
      ctx: { db },
      input: { tenantId: tenant.id, scopes: ["open311"] },
    });
    const post = (i: number) =>
      fetch(`${full.url}/t/${tenant.slug}/open311/v2/requests.json`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          api_key: key,
          service_code: "ROAD01",
          lat: String(39.89 + (i % 10) * 0.001),
          long: "116.3",
          description: `压测 ${i}`,
          "attribute[SIZE]": i % 2 ? "S" : "L",
        }).toString(),
      });
    const p = await drive(POSTS, post, 200);
    line("POST requests.json", fmt(p), `p95 ${p.p95.toFixed(1)} ms, failed ${p.failed}`);
    full.close();
    plain.close();
  } finally {
    await db.close();
  }
}

await main();
