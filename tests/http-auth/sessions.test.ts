import { totpCode } from "@zhengyun/auth";
import type { Database } from "@zhengyun/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityFactory, TEST_PASSWORD } from "../harness/identity.ts";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";
import {
  authApp,
  fromIp,
  post,
  readJson,
  sessionCount,
  sessionOf,
  tenantAudit,
  totpSecret,
  vendorAudit,
} from "./helpers.ts";

const MIN = 60_000;

describe.each(drivers())("sessions and sign-in over HTTP on %s", (driver) => {
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let ids: ReturnType<typeof identityFactory>;
  let t: Tenant;
  let app: ReturnType<typeof authApp>["app"];

  const signIn = (email: string, password = TEST_PASSWORD, headers: Record<string, string> = {}) =>
    app.request(`/t/${t.slug}/api/v1/auth/sign-in`, post({ email, password }, headers));
  const me = (cookie: string) =>
    app.request(`/t/${t.slug}/api/v1/auth/me`, { headers: { cookie } });

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    tenants = tenantFactory(db);
    ids = identityFactory(db);
    t = await tenants.create();
    app = authApp(db, ids.clock).app;
  });
  afterAll(async () => {
    await ids.cleanup([t.id]);
    await tenants.cleanup();
    await db.close();
  });

  it("signs in with a password, sets an HttpOnly SameSite=Lax cookie, and /me answers", async () => {
    const u = await ids.create({ role: "case_officer", tenantId: t.id });
    const res = await signIn(u.email);
    expect(res.status).toBe(200);
    expect(await readJson(res)).toMatchObject({ state: "signed_in" });
    const setCookie = res.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^zy_session=[a-z0-9]+; Path=\/; HttpOnly; SameSite=Lax/);
    expect(setCookie).not.toMatch(/Secure/);
    const who = await me(sessionOf(res));
    expect(who.status).toBe(200);
    expect(await readJson(who)).toEqual({
      id: u.id,
      kind: "staff",
      displayName: "测试用户",
      email: u.email,
      phone: null,
      tenant: t.slug,
      roles: ["case_officer"],
    });
    // Another tenant's URL does not know this session's user at all.
    const other = await tenants.create();
    const res2 = await app.request(`/t/${other.slug}/api/v1/auth/me`, {
      headers: { cookie: sessionOf(res) },
    });
    expect(res2.status).toBe(404);
  });

  it("over https the cookie is Secure and __Host- prefixed", async () => {
    const u = await ids.create({ role: "case_officer", tenantId: t.id });
    const res = await app.request(
      `https://zy.example/t/${t.slug}/api/v1/auth/sign-in`,
      post({ email: u.email, password: TEST_PASSWORD }),
    );
    expect(res.headers.get("set-cookie")).toMatch(
      /^__Host-zy_session=[a-z0-9]+; Path=\/; HttpOnly; SameSite=Lax; Secure/,
    );
    const cookie = sessionOf(res);
    const ok = await app.request(`https://zy.example/t/${t.slug}/api/v1/auth/me`, {
      headers: { cookie },
    });
    expect(ok.status).toBe(200);
    // The plain name is not accepted over https (it could have been planted by a sibling host).
    const planted = await app.request(`https://zy.example/t/${t.slug}/api/v1/auth/me`, {
      headers: { cookie: cookie.replace("__Host-", "") },
    });
    expect(planted.status).toBe(401);
  });

  it("mints a new session id at every sign-in and ends the one the client carried", async () => {
    const u = await ids.create({ role: "case_officer", tenantId: t.id });
    const first = sessionOf(await signIn(u.email));
    const second = sessionOf(await signIn(u.email, TEST_PASSWORD, { cookie: first }));
    expect(second).not.toBe(first);
    expect((await me(first)).status).toBe(401);
    expect((await me(second)).status).toBe(200);
    expect(await sessionCount(db, u.id)).toBe(1);
  });

  it("expires after 30 idle minutes and after 12 hours whatever the activity", async () => {
    const u = await ids.create({ role: "case_officer", tenantId: t.id });
    const idle = sessionOf(await signIn(u.email));
    ids.clock.advance(30 * MIN - 1);
    expect((await me(idle)).status).toBe(200);
    ids.clock.advance(30 * MIN - 1); // the request above slid the idle limit
    expect((await me(idle)).status).toBe(200);
    ids.clock.advance(30 * MIN);
    const expired = await me(idle);
    expect(expired.status).toBe(401);
    expect(expired.headers.get("content-type")).toBe("application/problem+json");

    const busy = sessionOf(await signIn(u.email));
    const start = ids.clock.now().getTime();
    while (ids.clock.now().getTime() + 20 * MIN < start + 12 * 60 * MIN) {
      ids.clock.advance(20 * MIN);
      expect((await me(busy)).status).toBe(200);
    }
    ids.clock.set(start + 12 * 60 * MIN - 1);
    expect((await me(busy)).status).toBe(200);
    ids.clock.set(start + 12 * 60 * MIN);
    expect((await me(busy)).status).toBe(401);
  });

  it("with the session cache on, sign-out, password change and the idle limit stay exact", async () => {
    const cached = authApp(db, ids.clock, { SESSION_CACHE_MS: "3600000" }).app;
    const u = await ids.create({ role: "case_officer", tenantId: t.id });
    const signInC = async (password = TEST_PASSWORD) =>
      sessionOf(
        await cached.request(
          `/t/${t.slug}/api/v1/auth/sign-in`,
          post({ email: u.email, password }),
        ),
      );
    const meC = (cookie: string) =>
      cached.request(`/t/${t.slug}/api/v1/auth/me`, { headers: { cookie } });
    const a = await signInC();
    expect((await meC(a)).status).toBe(200);
    await cached.request(`/t/${t.slug}/api/v1/auth/sign-out`, {
      method: "POST",
      headers: { cookie: a },
    });
    expect((await meC(a)).status).toBe(401);

    const b = await signInC();
    expect((await meC(b)).status).toBe(200);
    const changed = await cached.request(
      `/t/${t.slug}/api/v1/auth/password`,
      post({ currentPassword: TEST_PASSWORD, newPassword: "Cached-Pass-9" }, { cookie: b }),
    );
    expect(changed.status).toBe(204);
    expect((await meC(b)).status).toBe(401);

    const c = await signInC("Cached-Pass-9");
    const start = ids.clock.now().getTime();
    expect((await meC(c)).status).toBe(200);
    ids.clock.set(start + 59_000);
    expect((await meC(c)).status).toBe(200);
    ids.clock.set(start + 30 * MIN);
    expect((await meC(c)).status).toBe(401);
  });

  it("signs out (audited in the tenant's chain) and clears the cookie", async () => {
    const u = await ids.create({ role: "case_officer", tenantId: t.id });
    const cookie = sessionOf(await signIn(u.email));
    const out = await app.request(
      `/t/${t.slug}/api/v1/auth/sign-out`,
      {
        method: "POST",
        headers: { cookie, "user-agent": "zy-test/1", "x-request-id": "req_signout_1" },
      },
      fromIp("198.51.100.7"),
    );
    expect(out.status).toBe(204);
    expect(sessionOf(out)).toBe("");
    expect((await me(cookie)).status).toBe(401);
    const rec = (await tenantAudit(db, t)).find((r) => r.requestId === "req_signout_1");
    expect(rec).toMatchObject({
      action: "auth.sign_out",
      result: "success",
      actorId: u.id,
      tenantId: t.id,
      ip: "198.51.100.7",
      userAgent: "zy-test/1",
    });
  });

  it("a password change ends every session of the user", async () => {
    const u = await ids.create({ role: "case_officer", tenantId: t.id });
    const a = sessionOf(await signIn(u.email));
    const b = sessionOf(await signIn(u.email));
    const wrong = await app.request(
      `/t/${t.slug}/api/v1/auth/password`,
      post({ currentPassword: "Not-The-One-1", newPassword: "Brand-New-Pass-7" }, { cookie: a }),
    );
    expect(wrong.status).toBe(401);
    expect((await me(a)).status).toBe(200);
    const changed = await app.request(
      `/t/${t.slug}/api/v1/auth/password`,
      post({ currentPassword: TEST_PASSWORD, newPassword: "Brand-New-Pass-7" }, { cookie: a }),
    );
    expect(changed.status).toBe(204);
    expect((await me(a)).status).toBe(401);
    expect((await me(b)).status).toBe(401);
    expect((await signIn(u.email)).status).toBe(401);
    expect((await signIn(u.email, "Brand-New-Pass-7")).status).toBe(200);
  });

  it("locks a login after 5 failures for 15 minutes (429 with Retry-After), then lets it in", async () => {
    const u = await ids.create({ role: "case_officer", tenantId: t.id });
    const start = ids.clock.now().getTime();
    for (let i = 0; i < 5; i++) expect((await signIn(u.email, "Wrong-Pass-1")).status).toBe(401);
    const locked = await signIn(u.email);
    expect(locked.status).toBe(429);
    expect(locked.headers.get("retry-after")).toBe("900");
    expect(locked.headers.get("content-type")).toBe("application/problem+json");
    ids.clock.set(start + 15 * MIN);
    expect((await signIn(u.email)).status).toBe(200);
    const actions = (await tenantAudit(db, t))
      .filter((r) => r.actorId === u.id || r.action === "auth.sign_in")
      .map((r) => r.action);
    expect(actions).toContain("auth.lockout");
  });

  it("answers unknown users and wrong passwords alike", async () => {
    const u = await ids.create({ role: "case_officer", tenantId: t.id });
    const unknown = await signIn(ids.unknownLogin());
    const wrong = await signIn(u.email, "Wrong-Pass-1");
    expect(unknown.status).toBe(401);
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    expect(strip(await readJson(unknown))).toEqual(strip(await readJson(wrong)));
  });

  it("requires TOTP of vendor staff: enrolment at first sign-in, a code every time after", async () => {
    const u = await ids.create({ role: "operator" });
    const vendorMe = (cookie: string) => app.request("/api/v1/auth/me", { headers: { cookie } });
    const first = await app.request(
      "/api/v1/auth/sign-in",
      post({ email: u.email, password: TEST_PASSWORD }),
    );
    const body = await readJson(first);
    expect(body).toMatchObject({ state: "totp_enrollment_required" });
    expect(body.enrollment.otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    // A pending sign-in is no session.
    expect(sessionOf(first)).toBe("");
    ids.clock.advance(30_000);
    const done = await app.request(
      "/api/v1/auth/totp",
      post({
        pendingToken: body.pendingToken,
        code: totpCode(body.enrollment.secret, ids.clock.now()),
      }),
    );
    expect(done.status).toBe(200);
    const doneBody = await readJson(done);
    expect(doneBody.state).toBe("signed_in");
    expect(doneBody.recoveryCodes).toHaveLength(10);
    expect(await readJson(await vendorMe(sessionOf(done)))).toMatchObject({
      id: u.id,
      tenant: null,
      roles: ["operator"],
    });

    const again = await readJson(
      await app.request("/api/v1/auth/sign-in", post({ email: u.email, password: TEST_PASSWORD })),
    );
    expect(again).toEqual({ state: "totp_required", pendingToken: expect.any(String) });
    const bad = await app.request(
      "/api/v1/auth/totp",
      post({ pendingToken: again.pendingToken, code: "000000" }),
    );
    expect(bad.status).toBe(401);
    ids.clock.advance(30_000);
    const code = totpCode(await totpSecret(db, u.id), ids.clock.now());
    const ok = await app.request(
      "/api/v1/auth/totp",
      post({ pendingToken: again.pendingToken, code }),
    );
    expect(ok.status).toBe(200);
    expect((await vendorMe(sessionOf(ok))).status).toBe(200);
    // Vendor sign-ins land in the vendor chain.
    const vendor = (await vendorAudit(db)).filter((r) => r.actorId === u.id).map((r) => r.action);
    expect(vendor).toEqual(expect.arrayContaining(["auth.password_ok", "auth.totp"]));
  });

  it("completes a pending sign-in only where it began", async () => {
    const u = await ids.create({ role: "operator" });
    const first = await readJson(
      await app.request("/api/v1/auth/sign-in", post({ email: u.email, password: TEST_PASSWORD })),
    );
    ids.clock.advance(30_000);
    const code = totpCode(first.enrollment.secret, ids.clock.now());
    const elsewhere = await app.request(
      `/t/${t.slug}/api/v1/auth/totp`,
      post({ pendingToken: first.pendingToken, code }),
    );
    expect(elsewhere.status).toBe(401);
    const here = await app.request(
      "/api/v1/auth/totp",
      post({ pendingToken: first.pendingToken, code }),
    );
    expect(here.status).toBe(200);
  });
});
