import { createApp } from "@zhengyun/api";
import { ManualClock } from "@zhengyun/core";
import { type Database, tenantSchema } from "@zhengyun/db";
import { suspendTenant, withTenant } from "@zhengyun/tenancy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";
import { readJson, testDeps } from "./helpers.ts";

describe.each(drivers())("tenant routes and problem documents on %s", (driver) => {
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let a: Tenant;
  let host: Tenant;
  const domain = `${Date.now()}.xicheng.test`;
  const clock = new ManualClock();
  let app: ReturnType<typeof createApp>;
  let deps: ReturnType<typeof testDeps>;

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    tenants = tenantFactory(db);
    a = await tenants.create({ name: "北京市东城区" });
    host = await tenants.create({ name: "北京市西城区", domains: [domain] });
    await withTenant(db, a, (tx) =>
      tx.insert(tenantSchema.settings).values({ key: "public_profile", value: { motto: "东城" } }),
    );
    deps = testDeps(db, { clock });
    app = createApp(deps);
  });
  afterAll(async () => {
    await tenants.cleanup();
    await db.close();
  });

  it("serves a tenant's public profile read through withTenant", async () => {
    const res = await app.request(`/t/${a.slug}/api/v1/profile`);
    expect(res.status).toBe(200);
    expect(await readJson(res)).toEqual({
      slug: a.slug,
      name: "北京市东城区",
      level: "district",
      publicProfile: { motto: "东城" },
    });
    const line = deps.lines.find((l) => l.path === `/t/${a.slug}/api/v1/profile`);
    expect(line).toMatchObject({ method: "GET", status: 200, tenant: a.slug });
    expect(typeof line?.ms).toBe("number");
  });

  it("resolves a tenant by its own domain", async () => {
    const res = await app.request(`http://${domain}/api/v1/profile`);
    expect(res.status).toBe(200);
    expect((await readJson(res)).slug).toBe(host.slug);
  });

  it.each([
    ["unknown tenant", "/t/no-such-tenant/api/v1/profile"],
    ["malformed slug", "/t/Bad_Slug!/api/v1/profile"],
    ["reserved slug", "/t/api/api/v1/profile"],
    ["unknown path", "/nothing/here"],
  ])("answers 404 problem+json for an %s", async (_label, path) => {
    const res = await app.request(path);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const body = await readJson(res);
    expect(body).toMatchObject({ type: "/problems/not_found", status: 404, title: "Not found" });
    expect(body.instance).toBe(new URL(path, "http://x").pathname);
    expect(body.requestId).toBe(res.headers.get("x-request-id"));
  });

  it("answers 423 for a suspended tenant within the cache TTL, as HTML for a browser", async () => {
    const t = await tenants.create();
    expect((await app.request(`/t/${t.slug}/api/v1/profile`)).status).toBe(200);
    await suspendTenant(db, t.slug);
    clock.advance(2_001);
    const res = await app.request(`/t/${t.slug}/api/v1/profile`);
    expect(res.status).toBe(423);
    expect((await readJson(res)).type).toBe("/problems/locked");
    const html = await app.request(`/t/${t.slug}/api/v1/profile`, {
      headers: { accept: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8" },
    });
    expect(html.status).toBe(423);
    expect(html.headers.get("content-type")).toMatch(/^text\/html/);
    const page = await html.text();
    expect(page).toContain('lang="zh-CN"');
    expect(page).toContain(html.headers.get("x-request-id") ?? "missing");
  });

  it("echoes a sane request id and replaces an unsafe one", async () => {
    const ok = await app.request("/healthz", { headers: { "x-request-id": "abc-123-def-456" } });
    expect(ok.headers.get("x-request-id")).toBe("abc-123-def-456");
    const bad = await app.request("/healthz", { headers: { "x-request-id": "<script>" } });
    expect(bad.headers.get("x-request-id")).toMatch(/^req_[0-9A-Z]{26}$/);
  });

  it("serves a human page for every problem type", async () => {
    const res = await app.request("/problems/locked");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("423");
    expect((await app.request("/problems/nope")).status).toBe(404);
  });
});
