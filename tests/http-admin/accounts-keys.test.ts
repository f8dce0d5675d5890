// First: metering builds its zod schemas at import, and they need zod-openapi's extension loaded.
import "@zhengyun/api";
import { randomBytes } from "node:crypto";
import { signIn } from "@zhengyun/auth";
import type { Database } from "@zhengyun/db";
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

const email = () => `staff-${randomBytes(5).toString("hex")}@example.test`;

describe.each(drivers())("accounts and API keys over HTTP on %s", (driver) => {
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let people: People;
  let app: ReturnType<typeof adminApp>;
  let a: Tenant;
  let b: Tenant;
  let secA: SignedIn;
  let secB: SignedIn;
  let adminA: SignedIn;
  let adminB: SignedIn;
  let vendorSec: SignedIn;
  let operator: SignedIn;

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    tenants = tenantFactory(db);
    people = staffFactory(db);
    app = adminApp(db, people.clock);
    a = await tenants.create();
    b = await tenants.create();
    secA = await signedIn(people, "tenant_security_admin", a.id);
    secB = await signedIn(people, "tenant_security_admin", b.id);
    adminA = await signedIn(people, "tenant_admin", a.id);
    adminB = await signedIn(people, "tenant_admin", b.id);
    vendorSec = await signedIn(people, "security_admin", null);
    operator = await signedIn(people, "operator", null);
  });
  afterAll(async () => {
    await people.cleanup([a.id, b.id]);
    await tenants.cleanup();
    await db.close();
  });

  const accounts = (t: Tenant) => `/t/${t.slug}/api/v1/accounts`;
  const create = async (who: SignedIn, path: string, body: Record<string, unknown>) => {
    const res = await app.request(path, req("POST", who, body));
    const out = await readJson(res);
    if (res.status === 201) await people.track(out.account.id);
    return { status: res.status, body: out };
  };
  const canSignIn = async (login: string, password: string, tenantId: string) =>
    (
      await signIn({ ctx: people.ctx, input: { login, password, kind: "staff", tenantId } }).catch(
        () => ({ status: "refused" }),
      )
    ).status;

  it("lets a tenant security admin manage its staff, each change on the tenant's chain", async () => {
    const login = email();
    const made = await create(secA, accounts(a), { login, role: "case_officer" });
    expect(made.status).toBe(201);
    expect(made.body.account).toMatchObject({
      email: login,
      roles: ["case_officer"],
      status: "active",
    });
    const { id } = made.body.account;
    expect(await canSignIn(login, made.body.initialPassword, a.id)).toBe("signed_in");

    const at = (s: string) => `${accounts(a)}/${id}${s}`;
    expect(
      (await app.request(at("/roles"), req("POST", secA, { role: "portal_editor" }))).status,
    ).toBe(204);
    const listed = await readJson(await app.request(accounts(a), req("GET", secA)));
    const row = listed.items.find((x: { id: string }) => x.id === id);
    expect(row.roles.sort()).toEqual(["case_officer", "portal_editor"]);
    expect((await app.request(at("/roles/portal_editor"), req("DELETE", secA))).status).toBe(204);
    expect((await app.request(at("/roles/portal_editor"), req("DELETE", secA))).status).toBe(404);

    expect((await app.request(at("/disable"), req("POST", secA))).status).toBe(204);
    expect(await canSignIn(login, made.body.initialPassword, a.id)).toBe("refused");
    expect((await app.request(at("/enable"), req("POST", secA))).status).toBe(204);
    expect(await canSignIn(login, made.body.initialPassword, a.id)).toBe("signed_in");

    for (const action of [
      "user.create",
      "role.assign",
      "role.revoke",
      "user.disable",
      "user.enable",
    ]) {
      const rows = (await auditRows(db, a, action)).filter((r) => r.objectId === id);
      expect(rows, action).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        actorId: secA.id,
        actorRole: "tenant_security_admin",
        tenantId: a.id,
        userAgent: "http-admin-test",
      });
      expect(rows[0]?.requestId).toBeTruthy();
    }
  });

  it("refuses account management to other roles, other tenants and bad input", async () => {
    const victim = await create(secB, accounts(b), {
      login: email(),
      role: "mi_officer",
      password: "Zy-other-Pass7",
    });
    expect(victim.status).toBe(201);
    expect(victim.body.initialPassword).toBeUndefined();
    const before = (await readJson(await app.request(accounts(a), req("GET", secA)))).items.length;

    for (const who of [adminA, vendorSec, operator]) {
      expect((await app.request(accounts(a), req("GET", who))).status).toBe(403);
      expect(
        (await create(who, accounts(a), { login: email(), role: "case_officer" })).status,
      ).toBe(403);
    }
    expect((await app.request(accounts(a), req("GET", secB))).status).toBe(404);
    // A's security admin cannot touch B's staff through A's URL.
    const foreign = `${accounts(a)}/${victim.body.account.id}/disable`;
    expect((await app.request(foreign, req("POST", secA))).status).toBe(404);
    expect((await create(secA, accounts(a), { login: email(), role: "operator" })).status).toBe(
      400,
    );
    expect(
      (await create(secA, accounts(a), { login: "not a login", role: "case_officer" })).status,
    ).toBe(400);
    expect(
      (await create(secA, accounts(a), { login: email(), role: "case_officer", password: "short" }))
        .status,
    ).toBe(400);
    expect((await readJson(await app.request(accounts(a), req("GET", secA)))).items).toHaveLength(
      before,
    );
  });

  it("lets the vendor security admin manage vendor staff on the vendor chain", async () => {
    const login = email();
    const made = await create(vendorSec, "/api/v1/accounts", { login, role: "audit_admin" });
    expect(made.status).toBe(201);
    const { id } = made.body.account;
    const listed = await readJson(await app.request("/api/v1/accounts", req("GET", vendorSec)));
    expect(listed.items.find((x: { id: string }) => x.id === id)?.roles).toEqual(["audit_admin"]);
    const [rec] = (await auditRows(db, "vendor", "user.create")).filter((r) => r.objectId === id);
    expect(rec).toMatchObject({
      actorId: vendorSec.id,
      actorRole: "security_admin",
      tenantId: null,
    });
    expect(
      (await create(vendorSec, "/api/v1/accounts", { login: email(), role: "case_officer" }))
        .status,
    ).toBe(400);
    for (const who of [operator, secA]) {
      expect((await app.request("/api/v1/accounts", req("GET", who))).status).toBe(403);
    }
    expect(
      (await app.request(`/api/v1/accounts/${id}/disable`, req("POST", vendorSec))).status,
    ).toBe(204);
    expect((await auditRows(db, "vendor", "user.disable")).some((r) => r.objectId === id)).toBe(
      true,
    );
  });

  it("lets a tenant admin create (shown once), list and revoke API keys", async () => {
    const keys = `/t/${a.slug}/api/v1/api-keys`;
    const res = await app.request(
      keys,
      req("POST", adminA, { name: "统计平台", scopes: ["read"] }),
    );
    expect(res.status).toBe(201);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const { key, apiKey } = await readJson(res);
    expect(key).toMatch(/^zy_[a-z0-9]{12}_/);
    expect(apiKey).toMatchObject({
      name: "统计平台",
      scopes: ["read"],
      createdBy: adminA.id,
      revokedAt: null,
    });

    const listed = await app.request(keys, req("GET", adminA));
    const text = await listed.text();
    expect(text).toContain(apiKey.id);
    expect(text).not.toContain(key.split("_")[2]);
    // The key authenticates, but keys never reach administration.
    const asKey = { headers: { authorization: `Bearer ${key}` } };
    expect((await app.request(keys, req("GET", asKey))).status).toBe(403);

    expect((await app.request(`${keys}/${apiKey.id}/revoke`, req("POST", adminB))).status).toBe(
      404,
    );
    expect((await app.request(`${keys}/${apiKey.id}/revoke`, req("POST", secA))).status).toBe(403);
    expect((await app.request(`${keys}/${apiKey.id}/revoke`, req("POST", adminA))).status).toBe(
      204,
    );
    expect((await app.request(`${keys}/${apiKey.id}/revoke`, req("POST", adminA))).status).toBe(
      404,
    );
    expect((await app.request(keys, req("GET", asKey))).status).toBe(401);

    expect((await app.request(keys, req("POST", adminA, { scopes: ["root"] }))).status).toBe(400);
    const after = await readJson(await app.request(keys, req("GET", adminA)));
    expect(after.items).toHaveLength(1);
    expect(after.items[0].revokedAt).not.toBeNull();
    const [created] = await auditRows(db, a, "apikey.create");
    expect(created).toMatchObject({
      actorId: adminA.id,
      objectId: apiKey.id,
      data: { scopes: ["read"] },
    });
    expect(await auditRows(db, a, "apikey.revoke")).toHaveLength(1);
  });
});
