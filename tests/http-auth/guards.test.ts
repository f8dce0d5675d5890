import { defineRoute, z } from "@zhengyun/api";
import { approveSupportAccess, createApiKey, requestSupportAccess } from "@zhengyun/auth";
import type { Database } from "@zhengyun/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityFactory, TEST_PASSWORD } from "../harness/identity.ts";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";
import { authApp, post, readJson, sessionCount, sessionOf, tenantAudit } from "./helpers.ts";

const echo = defineRoute({
  method: "post",
  path: "/t/{tenant}/api/v1/test/echo",
  permission: "open311:write",
  request: { params: z.object({ tenant: z.string() }) },
  responses: { 200: { description: "ok" } },
});
const cases = defineRoute({
  method: "get",
  path: "/t/{tenant}/api/v1/test/cases",
  permission: "cases:read",
  request: { params: z.object({ tenant: z.string() }) },
  responses: { 200: { description: "ok" } },
});

describe.each(drivers())("CSRF, credentials and support access over HTTP on %s", (driver) => {
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let ids: ReturnType<typeof identityFactory>;
  let t: Tenant;
  let app: ReturnType<typeof authApp>["app"];
  let cookie: string;
  let key: string;

  const changePassword = (headers: Record<string, string>, init: Partial<RequestInit> = {}) =>
    app.request(`http://zy.example/t/${t.slug}/api/v1/auth/password`, {
      ...post(
        { currentPassword: "Not-The-One-1", newPassword: "Brand-New-Pass-7" },
        { cookie, ...headers },
      ),
      ...init,
    });

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    tenants = tenantFactory(db);
    ids = identityFactory(db);
    t = await tenants.create();
    app = authApp(db, ids.clock).app;
    app.openapi(echo, (c) => c.body(null, 200));
    app.openapi(cases, (c) => c.body(null, 200));
    const u = await ids.create({ role: "case_officer", tenantId: t.id });
    const res = await app.request(
      `/t/${t.slug}/api/v1/auth/sign-in`,
      post({ email: u.email, password: TEST_PASSWORD }),
    );
    cookie = sessionOf(res);
    key = (await createApiKey({ ctx: ids.ctx, input: { tenantId: t.id, scopes: ["open311"] } }))
      .key;
  });
  afterAll(async () => {
    await ids.cleanup([t.id]);
    await tenants.cleanup();
    await db.close();
  });

  it("refuses cookie-authenticated JSON and form posts from a foreign origin", async () => {
    const foreign = await changePassword({ origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get("content-type")).toBe("application/problem+json");
    const form = await changePassword(
      { origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
      { body: "currentPassword=Not-The-One-1&newPassword=Brand-New-Pass-7" },
    );
    expect(form.status).toBe(403);
    const crossSite = await changePassword({ "sec-fetch-site": "cross-site" });
    expect(crossSite.status).toBe(403);
    const nullOrigin = await changePassword({ origin: "null" });
    expect(nullOrigin.status).toBe(403);
    // Same origin passes the check and reaches the route (which then refuses the wrong password).
    expect((await changePassword({ origin: "http://zy.example" })).status).toBe(401);
    expect((await changePassword({ "sec-fetch-site": "same-origin" })).status).toBe(401);
    // The session is untouched by the refused requests.
    const me = await app.request(`/t/${t.slug}/api/v1/auth/me`, { headers: { cookie } });
    expect(me.status).toBe(200);
  });

  it("exempts API-key requests, which carry no ambient credential", async () => {
    const bearer = { authorization: `Bearer ${key}` };
    const res = await app.request(`/t/${t.slug}/api/v1/test/echo`, {
      method: "POST",
      headers: bearer,
    });
    expect(res.status).toBe(200);
    const foreign = await app.request(`/t/${t.slug}/api/v1/test/echo`, {
      method: "POST",
      headers: { ...bearer, origin: "https://evil.example", cookie },
    });
    expect(foreign.status).toBe(200);
    // A cookie alone (no bearer) from a foreign origin is refused on the same route.
    const viaCookie = await app.request(`/t/${t.slug}/api/v1/test/echo`, {
      method: "POST",
      headers: { origin: "https://evil.example", cookie },
    });
    expect(viaCookie.status).toBe(403);
  });

  it("answers malformed credentials with 401 problem+json and writes only the audit record", async () => {
    const u = await ids.create({ role: "case_officer", tenantId: t.id });
    const before = (await tenantAudit(db, t)).length;
    const garbage: Record<string, string>[] = [
      { cookie: "zy_session=not%20a%20token;;=" },
      { cookie: "zy_session=" },
      { authorization: "Bearer zy_garbage" },
      { authorization: "Bearer" },
    ];
    for (const headers of garbage) {
      const res = await app.request(`/t/${t.slug}/api/v1/auth/me`, { headers });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect((await readJson(res)).detail).toBe("Sign in or present a valid API key");
    }
    expect((await tenantAudit(db, t)).length).toBe(before);
    const bad = await app.request(
      `/t/${t.slug}/api/v1/auth/sign-in`,
      post({ email: "not an email", password: 12 }),
    );
    expect(bad.status).toBe(400);
    const malformed = await app.request(
      `/t/${t.slug}/api/v1/auth/sign-in`,
      post({ login: ids.unknownLogin({ malformed: true }), password: TEST_PASSWORD }),
    );
    expect(malformed.status).toBe(401);
    expect((await readJson(malformed)).detail).toBe("Invalid credentials");
    const after = await tenantAudit(db, t);
    expect(after.slice(before).map((r) => [r.action, r.result])).toEqual([
      ["auth.sign_in", "failure"],
    ]);
    expect(await sessionCount(db, u.id)).toBe(0);
  });

  it("lets vendor staff read business data only under an approved grant, audited in the tenant", async () => {
    const op = await ids.create({ role: "operator" });
    const opCookie = `zy_session=${await ids.signInStaff(op.email, null)}`;
    const read = () =>
      app.request(`/t/${t.slug}/api/v1/test/cases`, {
        headers: { cookie: opCookie, "x-request-id": "req_support_read" },
      });
    expect((await read()).status).toBe(403);
    const grant = await requestSupportAccess({
      ctx: ids.ctx,
      input: {
        vendorUserId: op.id,
        tenantId: t.id,
        scope: ["cases:read"],
        reason: "ticket 42: citizen cannot submit",
        minutes: 30,
      },
    });
    expect((await read()).status).toBe(403);
    await approveSupportAccess({ ctx: ids.ctx, input: { tenantId: t.id, grantId: grant.id } });
    expect((await read()).status).toBe(200);
    const rec = (await tenantAudit(db, t)).filter((r) => r.action === "support.access");
    expect(rec).toHaveLength(1);
    expect(rec[0]).toMatchObject({
      actorId: op.id,
      objectId: grant.id,
      requestId: "req_support_read",
      data: { method: "GET", permission: "cases:read", path: `/t/${t.slug}/api/v1/test/cases` },
    });
    // The grant's window closes while the session is still alive.
    ids.clock.advance(29 * 60_000);
    expect((await read()).status).toBe(200);
    ids.clock.advance(60_000);
    expect((await read()).status).toBe(403);
  });

  it("registers a citizen once across tenants and signs them in as a citizen", async () => {
    const other = await tenants.create();
    const login = ids.unknownLogin();
    const reg = (slug: string, password = "Citizen-Pass-8") =>
      app.request(`/t/${slug}/api/v1/citizens`, post({ email: login, password }));
    const first = await reg(t.slug);
    expect(first.status).toBe(201);
    const { userId } = await readJson(first);
    await ids.track(userId);
    expect((await reg(other.slug, "Wrong-Pass-8")).status).toBe(401);
    const joined = await reg(other.slug);
    expect(await readJson(joined)).toEqual({ userId, joined: true });
    const signIn = await app.request(
      `/t/${other.slug}/api/v1/auth/sign-in`,
      post({ email: login, password: "Citizen-Pass-8", kind: "citizen" }),
    );
    expect(signIn.status).toBe(200);
    const me = await app.request(`/t/${other.slug}/api/v1/auth/me`, {
      headers: { cookie: sessionOf(signIn) },
    });
    expect(await readJson(me)).toMatchObject({ id: userId, kind: "citizen", roles: ["citizen"] });
    expect((await tenantAudit(db, t)).some((r) => r.action === "citizen.register")).toBe(true);
    expect((await tenantAudit(db, other)).some((r) => r.action === "citizen.join")).toBe(true);
  });
});
