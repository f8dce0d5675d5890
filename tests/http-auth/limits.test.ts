import { defineRoute, z } from "@zhengyun/api";
import { createApiKey } from "@zhengyun/auth";
import type { Database } from "@zhengyun/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityFactory, TEST_PASSWORD } from "../harness/identity.ts";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";
import { authApp, fromIp, post, readJson } from "./helpers.ts";

const read = defineRoute({
  method: "get",
  path: "/t/{tenant}/api/v1/test/read",
  permission: "open311:read",
  request: { params: z.object({ tenant: z.string() }) },
  responses: { 200: { description: "ok" } },
});

describe.each(drivers())("rate limits over HTTP on %s", (driver) => {
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let ids: ReturnType<typeof identityFactory>;
  let a: Tenant;
  let b: Tenant;

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    tenants = tenantFactory(db);
    ids = identityFactory(db);
    a = await tenants.create();
    b = await tenants.create();
  });
  afterAll(async () => {
    await ids.cleanup([a.id, b.id]);
    await tenants.cleanup();
    await db.close();
  });

  it("throttles a flooded tenant with 429 + Retry-After while another tenant is still served", async () => {
    const { app } = authApp(db, ids.clock, {
      RATE_LIMIT_TENANT_PER_SEC: "2",
      RATE_LIMIT_TENANT_BURST: "5",
    });
    const profile = (t: Tenant, ip: string) =>
      app.request(`/t/${t.slug}/api/v1/profile`, {}, fromIp(ip));
    for (let i = 0; i < 5; i++) expect((await profile(a, `203.0.113.${i}`)).status).toBe(200);
    const throttled = await profile(a, "203.0.113.99");
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("1");
    expect(throttled.headers.get("content-type")).toBe("application/problem+json");
    expect((await readJson(throttled)).type).toBe("/problems/limit_exceeded");
    // Same process, same moment: the other tenant has its own bucket.
    expect((await profile(b, "203.0.113.99")).status).toBe(200);
    ids.clock.advance(500);
    expect((await profile(a, "203.0.113.99")).status).toBe(200);
    expect((await profile(a, "203.0.113.99")).status).toBe(429);
  });

  it("throttles one client IP without touching others", async () => {
    const { app } = authApp(db, ids.clock, {
      RATE_LIMIT_IP_PER_SEC: "1",
      RATE_LIMIT_IP_BURST: "3",
    });
    const health = (ip: string) => app.request("/healthz", {}, fromIp(ip));
    for (let i = 0; i < 3; i++) expect((await health("198.51.100.1")).status).toBe(200);
    const res = await health("198.51.100.1");
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("1");
    expect((await health("198.51.100.2")).status).toBe(200);
  });

  it("throttles each API key on its own", async () => {
    const { app } = authApp(db, ids.clock, {
      RATE_LIMIT_API_KEY_PER_SEC: "1",
      RATE_LIMIT_API_KEY_BURST: "2",
    });
    app.openapi(read, (c) => c.body(null, 200));
    const mint = async () =>
      (await createApiKey({ ctx: ids.ctx, input: { tenantId: a.id, scopes: ["open311"] } })).key;
    const [k1, k2] = [await mint(), await mint()];
    const call = (k: string) =>
      app.request(`/t/${a.slug}/api/v1/test/read`, { headers: { authorization: `Bearer ${k}` } });
    expect((await call(k1)).status).toBe(200);
    expect((await call(k1)).status).toBe(200);
    const res = await call(k1);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("1");
    expect((await call(k2)).status).toBe(200);
  });

  it("limits password attempts per IP at sign-in", async () => {
    const { app } = authApp(db, ids.clock, { SIGN_IN_PER_IP_PER_MIN: "3" });
    const u = await ids.create({ role: "case_officer", tenantId: a.id });
    const attempt = (ip: string, password = "Wrong-Pass-1") =>
      app.request(
        `/t/${a.slug}/api/v1/auth/sign-in`,
        post({ email: u.email, password }),
        fromIp(ip),
      );
    for (let i = 0; i < 3; i++) expect((await attempt("192.0.2.1")).status).toBe(401);
    const limited = await attempt("192.0.2.1", TEST_PASSWORD);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await attempt("192.0.2.2", TEST_PASSWORD)).status).toBe(200);
  });
});
