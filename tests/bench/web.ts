/**
 * pnpm bench:web — server render time of the heaviest console pages, on PGlite in memory (the
 * embedded default). 1,000 tenants with 30 days of API usage each; measured through app.request,
 * as a browser's request is served: the tenants list (a page of 50 rows with sparklines, sorted,
 * from 1,000), the whole 1,000-row table rendered at once, and finance's invoice page (lines and a
 * daily chart per meter beside the previous month). The baseline is an empty page in the shell,
 * measured in the same run. Target: p95 ≤ 50 ms.
 */

import { loadavg } from "node:os";
import { createApp } from "@zhengyun/api";
import { createUser, enrollTotp, signIn, totpCode, verifyTotp } from "@zhengyun/auth";
import { createContract, ensureBillingCatalog, runBilling, subscribe } from "@zhengyun/billing";
import { loadConfig, newId } from "@zhengyun/core";
import { platformSchema } from "@zhengyun/db";
import { openPglite, prepareDatabase } from "@zhengyun/db/node";
import { ensureMeters } from "@zhengyun/metering";
import {
  addPages,
  definePage,
  type PageDef,
  renderPage,
  TenantsTable,
  webModule,
} from "@zhengyun/web";
import { seedPrices } from "../billing/setup.ts";
import { durationStats, header, line, machine } from "./report.ts";

const TENANTS = Number(process.env.BENCH_TENANTS ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);

const db = await openPglite(undefined);
await prepareDatabase(db);
await ensureMeters(db);

// Rows only: the list reads the control plane, so tenant schemas are not needed to measure it.
const now = new Date();
const rows = Array.from({ length: TENANTS }, (_, i) => ({
  id: newId("ten"),
  slug: `bench-${String(i).padStart(4, "0")}`,
  name: `基准测试第${i + 1}区`,
  level: (["city", "district", "street"] as const)[i % 3] ?? "district",
  status: i % 17 === 0 ? ("suspended" as const) : ("active" as const),
  schemaName: `t_bench_${i}`,
  roleName: `zy_bench_t_bench_${i}`,
  createdAt: now,
  updatedAt: now,
}));
for (let i = 0; i < rows.length; i += 500) {
  await db.orm.insert(platformSchema.tenants).values(rows.slice(i, i + 500));
}
const days = Array.from({ length: 30 }, (_, d) =>
  new Date(Date.now() + 8 * 3_600_000 - (29 - d) * 86_400_000).toISOString().slice(0, 10),
);
const usage = rows.flatMap((t, i) =>
  days.map((day, d) => {
    const q = String(((i * 31 + d * 17) % 500) + 1);
    return {
      tenantId: t.id,
      meter: "api.requests",
      day,
      quantity: q,
      events: 1,
      maxQuantity: q,
      latestAt: now,
      latestQuantity: q,
    };
  }),
);
for (let i = 0; i < usage.length; i += 2000) {
  await db.orm
    .insert(platformSchema.usageDaily)
    .values(usage.slice(i, i + 2000))
    .onConflictDoNothing();
}

const app = createApp({
  config: loadConfig({ NODE_ENV: "production" }),
  db,
  logger: { info() {}, warn() {}, error: (o) => process.stderr.write(`${JSON.stringify(o)}\n`) },
  isReady: () => true,
});
webModule.register(app);
const allUsage = new Map(rows.map((t) => [t.id, days.map((_, d) => (d * 13) % 97)]));
const tenantRows = rows.map((r) => ({
  ...r,
  parentId: null,
  suspendedAt: null,
  offboardedAt: null,
}));
/** Render times (renderPage only: the shell, the components, the string) per bench page. */
const renders = new Map<string, number[]>();
function timed(name: string, n: number): PageDef {
  return definePage({
    method: "get",
    path: `/bench/${name}`,
    permission: "public",
    handler(p) {
      const t0 = performance.now();
      const res = renderPage(
        p,
        n === 0
          ? null
          : TenantsTable({
              p,
              rows: tenantRows.slice(0, n) as never,
              total: rows.length,
              usage: allUsage,
              query: { sort: "name", dir: "asc", q: "", page: 1, pageSize: n },
            }),
        { title: name },
      );
      renders.get(name)?.push(performance.now() - t0) ??
        renders.set(name, [performance.now() - t0]);
      return res;
    },
  });
}
addPages(app, [timed("empty", 0), timed("tenants-50", 50), timed(`tenants-${TENANTS}`, TENANTS)]);

/** A staff session of `role`, through the same verbs the sign-in form uses. */
async function session(login: string, role: "operator" | "finance") {
  const ctx = { db };
  const password = "Zy-bench-Pass9";
  const u = await createUser({ ctx, input: { login, password, role } });
  const first = await signIn({ ctx, input: { login, password, kind: "staff" } });
  if (first.status !== "totp_enrollment_required") throw new Error(`unexpected ${first.status}`);
  const { secret } = await enrollTotp({ ctx, input: { userId: u.id } });
  const done = await verifyTotp({
    ctx,
    input: { pendingToken: first.pendingToken, code: totpCode(secret, new Date()) },
  });
  if (done.status !== "signed_in") throw new Error("sign-in failed");
  return { cookie: `zy_session=${done.token}`, accept: "text/html" };
}
const operatorHeaders = await session("bench-operator@example.test", "operator");
const financeHeaders = await session("bench-finance@example.test", "finance");

// One invoice for the last ended month, with daily usage of two meters in it and the month before.
await ensureBillingCatalog(db);
await seedPrices(db);
const billed = rows[1] as (typeof rows)[number];
await createContract(db, {
  tenant: billed.slug,
  startsOn: "2025-01-01",
  modules: [{ module: "portal" }],
});
await subscribe(db, { tenant: billed.slug, module: "portal", startsOn: "2025-01-01" });
const shanghaiNow = new Date(Date.now() + 8 * 3_600_000);
const periodStart = new Date(
  Date.UTC(shanghaiNow.getUTCFullYear(), shanghaiNow.getUTCMonth() - 1, 1),
);
const period = periodStart.toISOString().slice(0, 7);
const billedUsage = Array.from({ length: 62 }, (_, d) =>
  new Date(Date.UTC(shanghaiNow.getUTCFullYear(), shanghaiNow.getUTCMonth() - 2, 1 + d))
    .toISOString()
    .slice(0, 10),
).flatMap((day, d) =>
  ["api.requests", "portal.applications"].map((meter) => {
    const q = String(((d * 37) % 90) + 10);
    return {
      tenantId: billed.id,
      meter,
      day,
      quantity: q,
      events: 1,
      maxQuantity: q,
      latestAt: now,
      latestQuantity: q,
    };
  }),
);
await db.orm.insert(platformSchema.usageDaily).values(billedUsage).onConflictDoNothing();
const run = await runBilling(db, { period, tenant: billed.slug });
const invoiceId = run.drafts[0]?.invoice_id;
if (!invoiceId) throw new Error("the bench billing run drafted no invoice");

async function measure(
  path: string,
  headers: Record<string, string> = operatorHeaders,
): Promise<{ p50: number; p95: number; bytes: number }> {
  let bytes = 0;
  for (let i = 0; i < 10; i++) await (await app.request(path, { headers })).text(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const res = await app.request(path, { headers });
    const body = await res.text();
    samples.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    bytes = body.length;
  }
  const s = durationStats(samples);
  return { p50: s.p50, p95: s.p95, bytes };
}

/** p95 of the render times recorded after the warm-up. */
const renderP95 = (name: string) => durationStats((renders.get(name) ?? []).slice(10)).p95;

header(
  "bench:web",
  `PGlite in memory, ${TENANTS} tenants × 30 days of usage, ${RUNS} runs each; ${machine()}; load ${loadavg()[0]?.toFixed(1)}`,
);
for (const name of ["empty", "tenants-50", `tenants-${TENANTS}`]) await measure(`/bench/${name}`);
const base = renderP95("empty");
line("render: empty layout (baseline)", `p95 ${base.toFixed(2)} ms`);
for (const name of ["tenants-50", `tenants-${TENANTS}`]) {
  const p95 = renderP95(name);
  // The page shows 50 rows; all rows at once is measured to show why it is paginated.
  const verdict =
    name === "tenants-50"
      ? `target ≤ 50 ms: ${p95 <= 50 ? "ok" : "OVER TARGET"}`
      : "comparison only";
  line(
    `render: ${name.replace("tenants-", "tenants table, ")} rows`,
    `p95 ${p95.toFixed(2)} ms`,
    `×${(p95 / base).toFixed(1)} baseline, ${verdict}`,
  );
}
for (const [label, path] of [
  ["request: empty layout", "/bench/empty"],
  ["request: /console/tenants page 1", "/console/tenants"],
  ["request: page 20 by status desc", "/console/tenants?sort=status&dir=desc&page=20"],
] as const) {
  const r = await measure(path);
  line(
    label,
    `p95 ${r.p95.toFixed(2)} ms`,
    `p50 ${r.p50.toFixed(2)} ms, ${(r.bytes / 1024).toFixed(0)} KiB (session, queries and render)`,
  );
}
const inv = await measure(`/console/billing/invoices/${invoiceId}`, financeHeaders);
line(
  "request: invoice with its charts",
  `p95 ${inv.p95.toFixed(2)} ms`,
  `p50 ${inv.p50.toFixed(2)} ms, ${(inv.bytes / 1024).toFixed(0)} KiB, target ≤ 50 ms: ${inv.p95 <= 50 ? "ok" : "OVER TARGET"}`,
);
await db.close();
