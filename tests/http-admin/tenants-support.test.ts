// First: metering builds its zod schemas at import, and they need zod-openapi's extension loaded.
import "@zhengyun/api";
import { listRoutes } from "@zhengyun/api";
import type { Database } from "@zhengyun/db";
import { findTenantBySlug } from "@zhengyun/tenancy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";
import { readJson } from "../http/helpers.ts";
import {
  adminApp,
  auditRows,
  type People,
  req,
  type SignedIn,
  signedIn,
  staffFactory,
} from "./helpers.ts";

describe.each(drivers())("tenant lifecycle and support access over HTTP on %s", (driver) => {
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let people: People;
  let app: ReturnType<typeof adminApp>;
  let a: Tenant;
  let b: Tenant;
  let operator: SignedIn;
  let securityAdmin: SignedIn;
  let adminA: SignedIn;
  let adminB: SignedIn;

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    tenants = tenantFactory(db);
    people = staffFactory(db);
    app = adminApp(db, people.clock);
    a = await tenants.create();
    b = await tenants.create();
    operator = await signedIn(people, "operator", null);
    securityAdmin = await signedIn(people, "security_admin", null);
    adminA = await signedIn(people, "tenant_admin", a.id);
    adminB = await signedIn(people, "tenant_admin", b.id);
  });
  afterAll(async () => {
    await people.cleanup([a.id, b.id]);
    await tenants.cleanup();
    await db.close();
  });

  it("lets an operator list, read, suspend and resume tenants, each change on the vendor chain", async () => {
    const list = await readJson(await app.request("/api/v1/tenants", req("GET", operator)));
    expect(list.items.map((t: { slug: string }) => t.slug)).toContain(a.slug);
    const one = await app.request(`/api/v1/tenants/${a.slug}`, req("GET", operator));
    expect(await readJson(one)).toMatchObject({ id: a.id, slug: a.slug, status: "active" });
    expect((await app.request("/api/v1/tenants/no-such-tenant", req("GET", operator))).status).toBe(
      404,
    );

    const sus = await app.request(`/api/v1/tenants/${a.slug}/suspend`, {
      ...req("POST", operator),
      headers: { ...req("POST", operator).headers, "x-request-id": "req-suspend-0001" },
    });
    expect(sus.status).toBe(200);
    expect(await readJson(sus)).toMatchObject({ slug: a.slug, status: "suspended" });
    expect((await findTenantBySlug(db, a.slug))?.status).toBe("suspended");
    const res = await app.request(`/api/v1/tenants/${a.slug}/resume`, req("POST", operator));
    expect(await readJson(res)).toMatchObject({ status: "active" });

    const [suspended] = (await auditRows(db, "vendor", "tenant.suspend")).filter(
      (r) => r.objectId === a.id,
    );
    expect(suspended).toMatchObject({
      actorId: operator.id,
      actorRole: "operator",
      tenantId: a.id,
      objectType: "tenant",
      requestId: "req-suspend-0001",
      userAgent: "http-admin-test",
      result: "success",
      data: { slug: a.slug, from: "active", to: "suspended" },
    });
    const resumed = (await auditRows(db, "vendor", "tenant.resume")).filter(
      (r) => r.objectId === a.id,
    );
    expect(resumed).toHaveLength(1);
  });

  it("refuses the tenant lifecycle to everyone but operators and changes nothing", async () => {
    for (const who of [securityAdmin, adminA]) {
      const r = await app.request(`/api/v1/tenants/${b.slug}/suspend`, req("POST", who));
      expect(r.status).toBe(403);
      expect((await app.request("/api/v1/tenants", req("GET", who))).status).toBe(403);
    }
    const anon = await app.request(`/api/v1/tenants/${b.slug}/suspend`, req("POST", undefined));
    expect(anon.status).toBe(401);
    expect((await findTenantBySlug(db, b.slug))?.status).toBe("active");
    const rows = (await auditRows(db, "vendor", "tenant.suspend")).filter(
      (r) => r.objectId === b.id,
    );
    expect(rows).toHaveLength(0);
  });

  const ask = (minutes = 30) =>
    app.request(
      "/api/v1/support-access",
      req("POST", operator, {
        tenant: a.slug,
        scope: ["cases:read"],
        reason: "工单 #42：排查办件状态",
        minutes,
      }),
    );
  const grantsOf = async (who: SignedIn, tenant: Tenant) =>
    app.request(`/t/${tenant.slug}/api/v1/support-grants`, req("GET", who));

  it("runs support access: the operator asks, the tenant admin approves and revokes", async () => {
    const asked = await ask();
    expect(asked.status).toBe(201);
    const grant = await readJson(asked);
    expect(grant).toMatchObject({ vendorUserId: operator.id, tenantId: a.id, status: "requested" });

    const listed = await readJson(await grantsOf(adminA, a));
    expect(listed.items.map((g: { id: string }) => g.id)).toContain(grant.id);
    // Another tenant's admin learns nothing; the operator cannot approve their own request.
    expect((await grantsOf(adminB, a)).status).toBe(404);
    const path = `/t/${a.slug}/api/v1/support-grants/${grant.id}`;
    expect((await app.request(`${path}/approve`, req("POST", operator))).status).toBe(403);
    expect((await app.request(`${path}/approve`, req("POST", adminB))).status).toBe(404);

    const approved = await app.request(`${path}/approve`, req("POST", adminA));
    expect(approved.status).toBe(200);
    expect(await readJson(approved)).toMatchObject({ status: "approved", approvedBy: adminA.id });
    expect((await app.request(`${path}/reject`, req("POST", adminA))).status).toBe(409);
    const revoked = await app.request(`${path}/revoke`, req("POST", adminA));
    expect(await readJson(revoked)).toMatchObject({ status: "revoked" });

    // The request and the decisions are the tenant's business: its own chain records them.
    const [requested] = (await auditRows(db, a, "support.request")).filter(
      (r) => r.objectId === grant.id,
    );
    expect(requested).toMatchObject({ actorId: operator.id, actorRole: "operator" });
    const [approval] = await auditRows(db, a, "support.approve");
    expect(approval).toMatchObject({
      actorId: adminA.id,
      actorRole: "tenant_admin",
      objectId: grant.id,
      userAgent: "http-admin-test",
    });
    expect(await auditRows(db, a, "support.revoke")).toHaveLength(1);
  });

  it("lets vendor staff reach business data only while an approved grant is in force, each access audited", async () => {
    // Any business read the app serves on a tenant's own path will do; found, not named.
    const route = listRoutes(app).find(
      (r) => r.method === "GET" && r.permission === "mi:read" && !/\{(?!tenant\})/.test(r.path),
    );
    if (!route) throw new Error("no mi:read route registered");
    const url = route.path.replace("{tenant}", a.slug);
    expect((await app.request(url, req("GET", operator))).status).toBe(403);
    const asked = await app.request(
      "/api/v1/support-access",
      req("POST", operator, {
        tenant: a.slug,
        scope: ["mi:read"],
        reason: "排查结算参数",
        minutes: 30,
      }),
    );
    const grant = await readJson(asked);
    const path = `/t/${a.slug}/api/v1/support-grants/${grant.id}`;
    expect((await app.request(`${path}/approve`, req("POST", adminA))).status).toBe(200);
    // Past the guard: whatever the module answers next, it is not a refusal.
    expect([401, 403, 404]).not.toContain((await app.request(url, req("GET", operator))).status);
    // Another tenant's data stays closed, and so does a permission outside the grant's scope.
    expect(
      (await app.request(route.path.replace("{tenant}", b.slug), req("GET", operator))).status,
    ).toBe(403);
    const [access] = (await auditRows(db, a, "support.access")).filter(
      (r) => r.objectId === grant.id,
    );
    expect(access).toMatchObject({ actorId: operator.id, data: { permission: "mi:read" } });
    expect((await app.request(`${path}/revoke`, req("POST", adminA))).status).toBe(200);
    expect((await app.request(url, req("GET", operator))).status).toBe(403);
  });

  it("lets the tenant admin reject a request, and refuses bad requests writing nothing", async () => {
    const grant = await readJson(await ask(60));
    const rejected = await app.request(
      `/t/${a.slug}/api/v1/support-grants/${grant.id}/reject`,
      req("POST", adminA),
    );
    expect(await readJson(rejected)).toMatchObject({ status: "rejected" });
    const before = (await readJson(await grantsOf(adminA, a))).items.length;
    expect((await ask(1)).status).toBe(400);
    const unknown = await app.request(
      "/api/v1/support-access",
      req("POST", operator, {
        tenant: "no-such-t",
        scope: ["cases:read"],
        reason: "检查一下办件状态",
        minutes: 30,
      }),
    );
    expect(unknown.status).toBe(404);
    expect((await app.request("/api/v1/support-access", req("POST", adminA, {}))).status).toBe(403);
    expect((await readJson(await grantsOf(adminA, a))).items).toHaveLength(before);
    const filtered = await app.request(
      `/t/${a.slug}/api/v1/support-grants?status=rejected`,
      req("GET", adminA),
    );
    expect((await readJson(filtered)).items.map((g: { id: string }) => g.id)).toEqual([grant.id]);
  });
});
