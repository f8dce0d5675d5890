/**
 * pnpm bench:portal — real Postgres only (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local
 * server), in its own database `zy_bench_portal`, recreated each run (BENCH_REUSE=1 keeps a loaded
 * one of the same size, applying pending tenant migrations). One tenant with BENCH_ARTICLES
 * (default 100,000) published articles and BENCH_ITEMS (2,000) service items. Measures requests per
 * second of the public article list and the catalogue through the full app against a bare Hono
 * route running the same verb in the same run (target ≥ 0.8: the median ratio of BENCH_ROUNDS
 * alternating bare/full rounds, so a change in machine load hits both sides alike), and p95
 * full-text search latency over the articles, one query at a time (target ≤ 50 ms), then with
 * BENCH_CONCURRENCY searches at once.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "@zhengyun/api";
import { loadConfig } from "@zhengyun/core";
import { type Database, openPostgres, query } from "@zhengyun/db";
import { prepareDatabase } from "@zhengyun/db/node";
import {
  indexTokens,
  listArticles,
  listItems,
  type PortalCtx,
  searchArticles,
} from "@zhengyun/portal";
import { findTenantBySlug, withTenant } from "@zhengyun/tenancy";
import { migrateAllTenants, provisionTenant } from "@zhengyun/tenancy/node";
import { sql } from "drizzle-orm";
import { Hono } from "hono";
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

const ARTICLES = Number(process.env.BENCH_ARTICLES ?? 100_000);
const ITEMS = Number(process.env.BENCH_ITEMS ?? 2_000);
const GETS = Number(process.env.BENCH_GETS ?? 2000);
const SEARCHES = Number(process.env.BENCH_SEARCHES ?? 500);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const REUSE = process.env.BENCH_REUSE === "1";
const base = benchServerUrl;
const BENCH_DB = "zy_bench_portal";
const benchUrl = benchDatabaseUrl(BENCH_DB);

async function recreate(): Promise<void> {
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  if (REUSE) {
    const [found] = await admin`select 1 from pg_database where datname = ${BENCH_DB}`;
    if (found) return void (await admin.end());
  }
  await admin.unsafe(`drop database if exists ${BENCH_DB} with (force)`);
  const roles = await admin<
    { rolname: string }[]
  >`select rolname from pg_roles where rolname like 'zy_zy_bench_por%'`;
  for (const r of roles) await admin.unsafe(`drop role if exists "${r.rolname}"`);
  await admin.unsafe(`create database ${BENCH_DB}`);
  await admin.end();
}

const WORDS = (
  "社保 医保 户口 迁移 公积金 养老 失业 登记 许可 营业 执照 不动产 税务 发票 出生 婚姻 残疾 低保 " +
  "教育 入学 交通 驾驶 车辆 住房 租赁 补贴 创业 就业 培训 卫生 食品 药品 环保 排水 规划 施工 消防 通知 公告 政策"
).split(" ");
const pick = (n: number, k: number) => WORDS[(n * 7919 + k * 104_729) % WORDS.length] as string;
/** Rarer content, so searches also meet terms with few matches, mostly in the text or in titles. */
const rare = (n: number) => ({
  title: n % 4999 === 0 ? "宅基地确权" : n % 333 === 0 ? "政务App" : "",
  body: n % 997 === 0 ? "残疾人两项补贴标准调整。" : "",
});
/** Articles from a small vocabulary, tokenized in JS as the verbs do, inserted set-based. */
async function load(db: Database, ctx: PortalCtx) {
  const BATCH = 5000;
  // The search indexes have no fast-update pending list (a search would scan it); a bulk load is
  // far faster with one, so it is on for the load and merged by the vacuum below.
  const gin = ["portal_articles_search_idx", "portal_articles_title_search_idx"];
  const setFastupdate = (on: boolean) =>
    Promise.all(
      gin.map((i) =>
        query(
          db.orm,
          sql.raw(`alter index "${ctx.tenant.schemaName}".${i} set (fastupdate = ${on})`),
        ),
      ),
    );
  await setFastupdate(true);
  for (let from = 0; from < ARTICLES; from += BATCH) {
    const rows: { title: string; body: string; a: string; b: string; d: number }[] = [];
    for (let n = from; n < Math.min(ARTICLES, from + BATCH); n++) {
      const title = `关于${pick(n, 1)}${pick(n, 2)}业务办理的${pick(n, 3)}${rare(n).title}`;
      const body =
        `${pick(n, 4)}${pick(n, 5)}相关事项说明：请携带${pick(n, 6)}材料到窗口办理${pick(n, 7)}。`.repeat(
          3,
        ) + rare(n).body;
      rows.push({
        title,
        body: `<p>${body}</p>`,
        a: indexTokens(title),
        b: indexTokens(body),
        d: n,
      });
    }
    await withTenant(db, ctx.tenant, (tx) =>
      query(
        tx,
        sql`insert into portal_articles (channel, title, body, state, author_id, reviewer_id, published_at, updated_at, search)
            select 'notices', r.title, r.body, 'published', 'usr_a', 'usr_b',
              now() - r.d * interval '1 minute', now(),
              setweight(to_tsvector('simple', r.a), 'A') || setweight(to_tsvector('simple', r.b), 'B')
            from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(title text, body text, a text, b text, d int)`,
      ),
    );
  }
  await withTenant(db, ctx.tenant, (tx) =>
    query(
      tx,
      sql`insert into portal_items (code, name, type, implementing_body, department, legal_basis, conditions,
            materials, steps, immediate, legal_days, promised_days, visits, online, contact, complaints, fields)
          select lpad(g::text, 9, '0'), '事项 ' || g, 'licensing', '政务服务管理局', '综合受理科', '法律依据',
            '受理条件', '[{"name":"申请表","form":"original","copies":1,"required":true}]'::jsonb,
            '["申请","受理","审查","决定"]'::jsonb, false, 20, 10, 0, true, '12345', '12345', '[]'::jsonb
          from generate_series(1, ${ITEMS}) g`,
    ),
  );
  await setFastupdate(false);
  for (const t of ["portal_articles", "portal_items"]) {
    await query(db.orm, sql.raw(`vacuum analyze "${ctx.tenant.schemaName}".${t}`));
  }
}

function serve(fetch: (r: Request) => Promise<Response> | Response) {
  const server = createServer(async (req, res) => {
    const r = await fetch(
      new Request(`http://bench${req.url}`, { headers: req.headers as Record<string, string> }),
    );
    res.writeHead(r.status, Object.fromEntries(r.headers));
    res.end(Buffer.from(await r.arrayBuffer()));
  });
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

async function drive(
  count: number,
  send: (i: number) => Promise<unknown>,
  concurrency = CONCURRENCY,
) {
  const samples: number[] = [];
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const t0 = performance.now();
      try {
        const res = await send(i);
        if (res instanceof Response) {
          await res.arrayBuffer();
          if (res.status !== 200) failed++;
        }
      } catch {
        failed++;
      }
      samples.push(performance.now() - t0);
    }
  };
  const { ms } = await timeIt(() => Promise.all(Array.from({ length: concurrency }, worker)));
  return { ...durationStats(samples), rps: (samples.length / ms) * 1000, failed };
}

/** The worst p95 and the failures of several runs. */
const sum = (xs: { p95: number; failed: number }[]) => ({
  p95: Math.max(...xs.map((x) => x.p95)),
  failed: xs.reduce((s, x) => s + x.failed, 0),
});

async function main(): Promise<void> {
  header("bench:portal", machine());
  await recreate();
  const db = await openPostgres({ url: benchUrl, max: 20 });
  try {
    await prepareDatabase(db);
    let tenant = REUSE ? await findTenantBySlug(db, "bench-portal") : undefined;
    if (tenant) await migrateAllTenants(db);
    const loaded =
      tenant &&
      (
        await withTenant(db, tenant, (tx) =>
          query<{ n: number }>(tx, sql`select count(*)::int as n from portal_articles`),
        )
      )[0]?.n === ARTICLES;
    if (tenant && !loaded)
      throw new Error(`${BENCH_DB} holds another size: run without BENCH_REUSE`);
    tenant ??= await provisionTenant(db, { slug: "bench-portal", name: "门户压测", level: "city" });
    const ctx: PortalCtx = { db, tenant };
    if (!loaded) {
      const { ms: loadMs } = await timeIt(() => load(db, ctx));
      line(
        "loaded",
        `${ARTICLES.toLocaleString("en")} articles, ${ITEMS} items`,
        `${(loadMs / 1000).toFixed(1)} s`,
      );
    } else line("reused", `${ARTICLES.toLocaleString("en")} articles, ${ITEMS} items`);

    const app = createApp({
      // Citizens read the portal from many addresses; here every request comes from one, so the
      // per-IP and per-tenant limits (50/s and 300/s by default) are raised, as in the other benches.
      config: loadConfig({
        NODE_ENV: "production",
        RATE_LIMIT_IP_PER_SEC: "1000000",
        RATE_LIMIT_IP_BURST: "1000000",
        RATE_LIMIT_TENANT_PER_SEC: "1000000",
        RATE_LIMIT_TENANT_BURST: "1000000",
      }),
      db,
      logger: { info() {}, warn() {}, error() {} },
      isReady: () => true,
    });
    const bare = new Hono();
    bare.get("/articles", async (c) => c.json({ items: await listArticles(ctx, c.req.query()) }));
    bare.get("/items", async (c) => {
      const page = Number(c.req.query("page") ?? 1);
      return c.json({ items: await listItems(ctx, { page, size: 50 }) });
    });
    const full = await serve((r) => app.fetch(r));
    const plain = await serve((r) => bare.fetch(r));
    const page = (i: number) => 1 + (i % 50);
    const fmt = (s: { rps: number; p95: number; failed: number }) =>
      [`${s.rps.toFixed(0)} req/s`, `p95 ${s.p95.toFixed(1)} ms, failed ${s.failed}`] as const;
    for (const [name, fullPath, barePath] of [
      ["article list", `/t/${tenant.slug}/api/v1/portal/articles?page=`, "/articles?page="],
      ["catalogue", `/t/${tenant.slug}/api/v1/portal/items?page=`, "/items?page="],
    ] as const) {
      const getFull = (i: number) => fetch(`${full.url}${fullPath}${page(i)}`);
      const getBare = (i: number) => fetch(`${plain.url}${barePath}${page(i)}`);
      await drive(200, getFull);
      await drive(200, getBare);
      // Alternating rounds: load from other processes changes over seconds, so both sides share it.
      const b: Awaited<ReturnType<typeof drive>>[] = [];
      const a: typeof b = [];
      for (let r = 0; r < ROUNDS; r++) {
        b.push(await drive(Math.ceil(GETS / ROUNDS), getBare));
        a.push(await drive(Math.ceil(GETS / ROUNDS), getFull));
      }
      // Equal request counts per round: total requests over total time.
      const rps = (xs: typeof b) => xs.length / xs.reduce((s, x) => s + 1 / x.rps, 0);
      const ratios = a.map((x, r) => x.rps / (b[r]?.rps ?? 1)).sort((x, y) => x - y);
      line(`${name}: bare Hono + same verb`, ...fmt({ ...sum(b), rps: rps(b) }));
      line(`${name}: full app`, ...fmt({ ...sum(a), rps: rps(a) }));
      const median = ratios[Math.floor(ratios.length / 2)] ?? 0;
      line(
        `${name}: ratio req/s (target ≥ 0.8)`,
        median.toFixed(2),
        `median of ${ROUNDS} paired rounds (${ratios[0]?.toFixed(2)}–${ratios.at(-1)?.toFixed(2)}); pooled ${(rps(a) / rps(b)).toFixed(2)}`,
      );
      // A refused request is fast and would flatter the ratio: a run with any is not a result.
      if (sum(a).failed + sum(b).failed > 0) throw new Error(`${name}: some requests failed`);
    }
    const terms = [
      ...["社保", "户口", "公积金", "营业执照", "不动产", "税务 发票", "养老", "入学"],
      // Rarer: in few titles, in few texts, in every text but no title, mixed with English.
      ...["宅基地", "两项补贴", "窗口", "App 社保"],
    ];
    await drive(50, (i) => searchArticles(ctx, { q: terms[i % terms.length] }));
    const one = await drive(
      SEARCHES,
      (i) => searchArticles(ctx, { q: terms[i % terms.length] }),
      1,
    );
    line(
      "search p95 (target ≤ 50 ms)",
      `${one.p95.toFixed(1)} ms`,
      `one at a time: median ${one.p50.toFixed(1)} ms, failed ${one.failed}`,
    );
    const many = await drive(SEARCHES, (i) => searchArticles(ctx, { q: terms[i % terms.length] }));
    line(
      `search, ${CONCURRENCY} at once`,
      `${many.rps.toFixed(0)} per s`,
      `p95 ${many.p95.toFixed(1)} ms, median ${many.p50.toFixed(1)} ms, failed ${many.failed}`,
    );
    full.close();
    plain.close();
  } finally {
    await db.close();
  }
}

await main();
