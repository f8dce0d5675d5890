import { createApp, defineRoute, listRoutes, z } from "@zhengyun/api";
import { registerVendorRoutes } from "@zhengyun/api/vendor";
import { LimitExceededError } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";
import { asPrincipal, readJson, testAuthenticator, testDeps } from "./helpers.ts";

/** A protected tenant-scoped route, defined the way module packages will define theirs. */
const secretRoute = defineRoute({
  method: "get",
  path: "/t/{tenant}/api/v1/secret",
  permission: "tenant.profile:read",
  request: { params: z.object({ tenant: z.string() }) },
  responses: {
    200: {
      description: "secret",
      content: { "application/json": { schema: z.object({ tenant: z.string() }) } },
    },
  },
});

const boomRoute = defineRoute({
  method: "get",
  path: "/boom",
  permission: "public",
  responses: { 200: { description: "never" } },
});

/** A route that declares a form-encoded body instead of JSON. */
const formRoute = defineRoute({
  method: "post",
  path: "/test/form",
  permission: "public",
  request: {
    body: {
      required: true,
      content: { "application/x-www-form-urlencoded": { schema: z.object({ q: z.string() }) } },
    },
  },
  responses: { 200: { description: "echo" } },
});

const limitedRoute = defineRoute({
  method: "get",
  path: "/test/limited",
  permission: "public",
  responses: { 200: { description: "never" } },
});

describe.each(drivers())("health, OpenAPI, docs and guards on %s", (driver) => {
  let db: Database;
  let factory: ReturnType<typeof tenantFactory>;
  let a: Tenant;
  let b: Tenant;
  let ready = false;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    factory = tenantFactory(db);
    a = await factory.create();
    b = await factory.create();
    app = createApp(testDeps(db, { authenticator: testAuthenticator, ready: () => ready }));
    registerVendorRoutes(app);
    app.openapi(secretRoute, (c) => c.json({ tenant: c.var.tenant?.slug ?? "" }, 200));
    app.openapi(formRoute, (c) => c.text(c.req.valid("form").q));
    app.openapi(limitedRoute, () => {
      throw new LimitExceededError("Quota used up", 30);
    });
    app.openapi(boomRoute, () => {
      throw new Error("secret connection string postgres://x");
    });
  });
  afterAll(async () => {
    await factory.cleanup();
    await db.close();
  });

  it("answers /healthz always and /readyz only once ready", async () => {
    expect((await app.request("/healthz")).status).toBe(200);
    const notReady = await app.request("/readyz");
    expect(notReady.status).toBe(503);
    expect(notReady.headers.get("content-type")).toBe("application/problem+json");
    expect((await readJson(notReady)).type).toBe("/problems/not_ready");
    ready = true;
    const res = await app.request("/readyz");
    expect(res.status).toBe(200);
    expect(await readJson(res)).toEqual({ status: "ok" });
  });

  it("describes every registered route in an OpenAPI 3.1 document", async () => {
    const res = await app.request("/api/openapi.json");
    expect(res.status).toBe(200);
    const doc = await readJson(res);
    expect(doc.openapi).toBe("3.1.0");
    const routes = listRoutes(app);
    expect(routes.length).toBeGreaterThanOrEqual(7);
    for (const r of routes) {
      const op = doc.paths[r.path]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      expect(op["x-permission"]).toBe(r.permission);
      expect(op.responses["500"].content["application/problem+json"]).toBeDefined();
    }
    expect(routes.find((r) => r.path === "/t/{tenant}/api/v1/profile")?.tenantScoped).toBe(true);
    expect(routes.find((r) => r.path === "/api/v1/tenants")).toMatchObject({
      method: "POST",
      permission: "platform.tenants:manage",
      tenantScoped: false,
    });
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(["apiKey", "session"]);
    expect(doc.components.schemas.CreateTenant.required).toEqual(["slug", "name", "level"]);
  });

  it("refuses to register a route that declares no permission", () => {
    const bare = { method: "get", path: "/undeclared", responses: {} } as const;
    const register = app.openapi as (route: unknown, handler: unknown) => unknown;
    expect(() => register(bare, () => new Response("x"))).toThrow(/defineRoute/);
  });

  it("renders a readable API reference without external scripts", async () => {
    const res = await app.request("/api/docs");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("POST /api/v1/tenants");
    expect(html).toContain("platform.tenants:manage");
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3)/);
  });

  it("answers 404, not 403, to a principal of another tenant", async () => {
    const path = `/t/${a.slug}/api/v1/secret`;
    const scopes = ["tenant.profile:read"];
    const own = await app.request(path, { headers: asPrincipal({ tenantId: a.id, scopes }) });
    expect(own.status).toBe(200);
    expect(await readJson(own)).toEqual({ tenant: a.slug });
    const other = await app.request(path, { headers: asPrincipal({ tenantId: b.id, scopes }) });
    expect(other.status).toBe(404);
    expect((await readJson(other)).type).toBe("/problems/not_found");
    // Vendor staff (no tenant) are decided by authorize().
    const vendor = await app.request(path, { headers: asPrincipal({ tenantId: null, scopes }) });
    expect(vendor.status).toBe(200);
    const denied = await app.request(path, { headers: asPrincipal({ tenantId: null }) });
    expect(denied.status).toBe(403);
    expect((await app.request(path)).status).toBe(401);
  });

  it("accepts the content type a route declares, and only that", async () => {
    const form = await app.request("/test/form", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "q=%E4%B8%9C%E5%9F%8E",
    });
    expect(form.status).toBe(200);
    expect(await form.text()).toBe("东城");
    const asJson = await app.request("/test/form", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ q: "x" }),
    });
    expect(asJson.status).toBe(415);
  });

  it("sets Retry-After on 429 from the error's retryAfter", async () => {
    const res = await app.request("/test/limited");
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("30");
    expect(await readJson(res)).toMatchObject({ type: "/problems/limit_exceeded", retryAfter: 30 });
  });

  it("maps unexpected errors to 500 without leaking internals", async () => {
    const res = await app.request("/boom");
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain("secret");
    expect(JSON.parse(text)).toMatchObject({ type: "/problems/internal", status: 500 });
  });
});
