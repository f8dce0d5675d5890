import { createApp, listRoutes, type RouteInfo } from "@zhengyun/api";
import { registerVendorRoutes } from "@zhengyun/api/vendor";
import type { Database } from "@zhengyun/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";
import { asPrincipal, testAuthenticator, testDeps } from "./helpers.ts";

/**
 * Walks the route registry, so every protected route (including those later modules add) gets its
 * unauthenticated, wrong-permission and wrong-tenant cases without writing them by hand.
 */
describe.each(drivers())("route guard matrix on %s", (driver) => {
  let db: Database;
  let factory: ReturnType<typeof tenantFactory>;
  let a: Tenant;
  let b: Tenant;
  let app: ReturnType<typeof createApp>;
  let routes: RouteInfo[];

  const urlFor = (r: RouteInfo, tenant: Tenant) =>
    r.path.replace("{tenant}", tenant.slug).replace(/\{[^}]+\}/g, "x");
  const send = (r: RouteInfo, headers: Record<string, string> = {}) =>
    app.request(urlFor(r, a), {
      method: r.method,
      headers: { "content-type": "application/json", ...headers },
      ...(r.method === "GET" ? {} : { body: "{}" }),
    });

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    factory = tenantFactory(db);
    a = await factory.create();
    b = await factory.create();
    app = createApp(testDeps(db, { authenticator: testAuthenticator }));
    registerVendorRoutes(app);
    routes = listRoutes(app);
  });
  afterAll(async () => {
    await factory.cleanup();
    await db.close();
  });

  it("declares a well-formed permission on every route", () => {
    expect(routes.length).toBeGreaterThan(0);
    for (const r of routes) {
      expect(r.permission, `${r.method} ${r.path}`).toMatch(/^(public|[a-z][a-z.]*:[a-z]+)$/);
      expect(r.tenantScoped).toBe(r.path.startsWith("/t/{tenant}/"));
    }
  });

  it("answers 401 to anonymous callers of every protected route", async () => {
    for (const r of routes.filter((r) => r.permission !== "public")) {
      expect((await send(r)).status, `${r.method} ${r.path}`).toBe(401);
    }
  });

  it("answers 403 to a principal without the route's permission", async () => {
    for (const r of routes.filter((r) => r.permission !== "public")) {
      const tenantId = r.tenantScoped ? a.id : null;
      const res = await send(r, asPrincipal({ tenantId, scopes: ["nothing:here"] }));
      expect(res.status, `${r.method} ${r.path}`).toBe(403);
    }
  });

  it("answers 404 to a principal of another tenant on every protected tenant route", async () => {
    for (const r of routes.filter((r) => r.permission !== "public" && r.tenantScoped)) {
      const res = await send(r, asPrincipal({ tenantId: b.id, scopes: [r.permission] }));
      expect(res.status, `${r.method} ${r.path}`).toBe(404);
    }
  });
});
