// First: module packages build zod schemas at import, and they need zod-openapi's extension loaded.
import "@zhengyun/api";
import { listRoutes, type RouteInfo } from "@zhengyun/api";
import { isSelfPermission, SELF_PERMISSIONS } from "@zhengyun/api/auth";
import { authorize, createApiKey, type Permission, type Principal } from "@zhengyun/auth";
import type { Database } from "@zhengyun/db";
import { platformSchema } from "@zhengyun/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";
import {
  adminApp,
  type People,
  req,
  type SignedIn,
  signedIn,
  staffFactory,
} from "../http-admin/helpers.ts";

const { roleIds, vendorRoles } = platformSchema;
const isVendorRole = (r: string) => (vendorRoles as readonly string[]).includes(r);
const REFUSED = [401, 403, 404];

/**
 * The tenant a route acts on: the URL's, or, for a tenant permission on a route outside /t/{tenant}
 * (e.g. usage ingestion), the credential's own, which a module middleware resolves.
 */
const actsOn = (r: RouteInfo, tenantId: string) =>
  r.tenantScoped || !r.permission.startsWith("platform.") ? tenantId : null;

/** What the policy lets `role` (held in tenant A, or at the vendor) do on a route of tenant A. */
function mayReach(role: string, r: RouteInfo, tenantId: string): boolean {
  if (isSelfPermission(r.permission)) {
    return r.permission === SELF_PERMISSIONS.vendor ? isVendorRole(role) : !isVendorRole(role);
  }
  const p: Principal = {
    kind: role === "citizen" ? "citizen" : "staff",
    id: "usr_matrix",
    tenantId: isVendorRole(role) ? null : tenantId,
    roles: [role],
    scopes: [],
  };
  return authorize(p, r.permission as Permission, actsOn(r, tenantId));
}

/**
 * Walks every route of the app as the Node server builds it (Worker-safe routes, identity, every
 * module), with real signed-in principals for every role: each protected route refuses anonymous
 * callers, every role the policy does not let through, an API key, and every role of tenant A when
 * the URL names tenant B. New modules are covered by registering them; nothing here names a route.
 */
describe.each(drivers())("route × role × tenant matrix on %s", (driver) => {
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let people: People;
  let app: ReturnType<typeof adminApp>;
  let a: Tenant;
  let b: Tenant;
  let routes: RouteInfo[];
  const asRole = new Map<string, SignedIn>();
  let apiKey: { headers: Record<string, string> };

  const urlFor = (r: RouteInfo, t: Tenant) =>
    r.path.replace("{tenant}", t.slug).replace(/\{[^}]+\}/g, "x");
  const send = (r: RouteInfo, t: Tenant, who?: { headers: Record<string, string> }) =>
    app.request(urlFor(r, t), req(r.method, who, r.method === "GET" ? undefined : {}));
  const protectedRoutes = () => routes.filter((r) => r.permission !== "public");

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    tenants = tenantFactory(db);
    people = staffFactory(db);
    app = adminApp(db, people.clock);
    routes = listRoutes(app);
    a = await tenants.create();
    b = await tenants.create();
    for (const role of roleIds) {
      asRole.set(role, await signedIn(people, role, isVendorRole(role) ? null : a.id));
    }
    const { key } = await createApiKey({
      ctx: people.ctx,
      input: { tenantId: a.id, scopes: ["open311", "usage:write", "read"] },
    });
    apiKey = { headers: { authorization: `Bearer ${key}` } };
  });
  afterAll(async () => {
    await people.cleanup([a.id, b.id]);
    await tenants.cleanup();
    await db.close();
  });

  it("declares a well-formed permission on every route, and covers every module", () => {
    const paths = routes.map((r) => r.path);
    // The identity, administration and audit modules are part of the walk.
    for (const p of [
      "/api/v1/tenants/{slug}/suspend",
      "/t/{tenant}/api/v1/audit",
      "/api/v1/accounts",
    ]) {
      expect(paths).toContain(p);
    }
    for (const r of routes) {
      expect(r.permission, `${r.method} ${r.path}`).toMatch(/^(public|[a-z][a-z0-9_.]*:[a-z_]+)$/);
      expect(r.tenantScoped).toBe(r.path.startsWith("/t/{tenant}/"));
    }
  });

  it("refuses anonymous callers of every protected route", async () => {
    for (const r of protectedRoutes()) {
      const status = (await send(r, a)).status;
      expect(REFUSED, `anonymous → ${r.method} ${r.path} answered ${status}`).toContain(status);
    }
  });

  it("refuses every role the policy does not let through, and API keys beyond their scopes", async () => {
    let checked = 0;
    for (const r of protectedRoutes()) {
      for (const [role, who] of asRole) {
        if (mayReach(role, r, a.id)) continue;
        const status = (await send(r, a, who)).status;
        expect(REFUSED, `${role} → ${r.method} ${r.path} answered ${status}`).toContain(status);
        checked++;
      }
      const keyAllowed = authorize(
        {
          kind: "apikey",
          id: "key",
          tenantId: a.id,
          roles: [],
          scopes: ["open311", "usage:write", "read"],
        },
        r.permission as Permission,
        actsOn(r, a.id),
      );
      if (!keyAllowed && !isSelfPermission(r.permission)) {
        const status = (await send(r, a, apiKey)).status;
        expect(REFUSED, `API key → ${r.method} ${r.path} answered ${status}`).toContain(status);
      }
    }
    expect(checked).toBeGreaterThan(protectedRoutes().length);
  });

  it("refuses every role and key of tenant A on tenant B's routes", async () => {
    for (const r of protectedRoutes().filter((r) => r.tenantScoped)) {
      for (const [role, who] of asRole) {
        if (isVendorRole(role)) continue;
        const status = (await send(r, b, who)).status;
        expect(REFUSED, `${role} of A → ${r.method} ${urlFor(r, b)} answered ${status}`).toContain(
          status,
        );
      }
      const status = (await send(r, b, apiKey)).status;
      expect(status, `API key of A → ${r.method} ${urlFor(r, b)}`).toBe(404);
    }
  });

  it("keeps duties apart: audit routes answer auditors only, account routes security admins only", () => {
    for (const r of protectedRoutes()) {
      const reach = roleIds.filter((role) => mayReach(role, r, a.id));
      if (r.permission.includes("audit")) {
        expect(
          reach.every((x) => x === "audit_admin" || x === "tenant_auditor"),
          r.path,
        ).toBe(true);
      }
      if (r.permission.endsWith("accounts:manage")) {
        expect(
          reach.every((x) => x.endsWith("security_admin")),
          r.path,
        ).toBe(true);
      }
    }
  });
});
