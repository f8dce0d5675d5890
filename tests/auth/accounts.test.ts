import {
  authenticateRequest,
  confirmTotp,
  createApiKey,
  createUser,
  defaultPasswordPolicy,
  disableUser,
  enrollTotp,
  generatePassword,
  type Principal,
  passwordProblems,
  pruneIdentity,
  resetTotp,
  sessionCookie,
  signIn,
  totpCode,
  verifyTotp,
} from "@zhengyun/auth";
import { type Database, query } from "@zhengyun/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityFactory, TEST_PASSWORD } from "../harness/identity.ts";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";

describe.each(drivers())("accounts and request authentication on %s", (driver) => {
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

  const secAdmin = (tenantId: string): Principal => ({
    kind: "staff",
    id: "usr_secadmin",
    tenantId,
    roles: ["tenant_security_admin"],
    scopes: [],
  });

  it("lets a tenant security admin manage accounts of that tenant only", async () => {
    const ctx = { ...ids.ctx, actor: secAdmin(a.id) };
    const login = ids.unknownLogin();
    const made = await createUser({
      ctx,
      input: { login, role: "case_officer", tenantId: a.id, password: TEST_PASSWORD },
    });
    await ids.track(made.id);
    expect(made.displayName).toBe(login);
    await expect(
      createUser({
        ctx,
        input: { login: ids.unknownLogin(), role: "case_officer", tenantId: b.id },
      }),
    ).rejects.toMatchObject({ code: "forbidden" });
    await expect(
      createUser({ ctx, input: { login: ids.unknownLogin(), role: "operator" } }),
    ).rejects.toMatchObject({ code: "forbidden" });
    const other = await ids.create({ role: "case_officer", tenantId: b.id });
    await expect(
      disableUser({ ctx, input: { userId: other.id, tenantId: a.id } }),
    ).rejects.toMatchObject({ code: "not_found" });
    // Vendor roles never carry a tenant, tenant roles always do.
    await expect(
      createUser({ ctx: ids.ctx, input: { login: ids.unknownLogin(), role: "tenant_admin" } }),
    ).rejects.toMatchObject({ code: "validation" });
  });

  it("seals TOTP seeds at rest and resets a lost factor", async () => {
    const ctx = { ...ids.ctx, secretKey: "test-sealing-key" };
    const u = await ids.create({ role: "operator" });
    const { secret } = await enrollTotp({ ctx, input: { userId: u.id } });
    const [row] = await query<{ secret: string }>(
      db.orm,
      sql`select secret from platform.totp_credentials where user_id = ${u.id}`,
    );
    expect(row?.secret.startsWith("v1.")).toBe(true);
    expect(row?.secret).not.toContain(secret);
    ids.clock.advance(30_000);
    const { recoveryCodes } = await confirmTotp({
      ctx,
      input: { userId: u.id, code: totpCode(secret, ids.clock.now()) },
    });
    expect(recoveryCodes).toHaveLength(10);
    const input = { login: u.email, password: TEST_PASSWORD, kind: "staff", tenantId: null };
    const r = await signIn({ ctx, input });
    if (r.status !== "totp_required") throw new Error(r.status);
    ids.clock.advance(30_000);
    const done = await verifyTotp({
      ctx,
      input: { pendingToken: r.pendingToken, code: totpCode(secret, ids.clock.now()) },
    });
    if (done.status !== "signed_in") throw new Error(done.status);

    await resetTotp({ ctx, input: { userId: u.id } });
    expect(await authenticateRequest(ctx, cookieReq(done.token, null))).toBeUndefined();
    expect((await signIn({ ctx, input })).status).toBe("totp_enrollment_required");
  });

  const cookieReq = (token: string, tenantId: string | null, secure = true) => ({
    cookie: `other=1; ${sessionCookie(token, { secure }).serialize().split(";")[0]}`,
    secure,
    tenantId,
  });

  it("authenticates a request by cookie or bearer key, never falling back", async () => {
    const u = await ids.create({ role: "portal_editor", tenantId: a.id });
    const r = await signIn({
      ctx: ids.ctx,
      input: { login: u.email, password: TEST_PASSWORD, kind: "staff", tenantId: a.id },
    });
    if (r.status !== "signed_in") throw new Error(r.status);
    expect(await authenticateRequest(ids.ctx, cookieReq(r.token, a.id))).toMatchObject({
      via: "session",
      principal: { kind: "staff", id: u.id, tenantId: a.id, roles: ["portal_editor"] },
    });
    // Over https only the __Host- cookie counts.
    const plain = cookieReq(r.token, a.id, false);
    expect(await authenticateRequest(ids.ctx, { ...plain, secure: true })).toBeUndefined();
    const { key } = await createApiKey({
      ctx: ids.ctx,
      input: { tenantId: a.id, scopes: ["read"] },
    });
    const withKey = { ...cookieReq(r.token, a.id), authorization: `Bearer ${key}` };
    expect(await authenticateRequest(ids.ctx, withKey)).toMatchObject({ via: "apikey" });
    const badKey = { ...withKey, authorization: `Bearer ${key}x` };
    expect(await authenticateRequest(ids.ctx, badKey)).toBeUndefined();
  });

  it("prunes expired sessions", async () => {
    const u = await ids.create({ role: "portal_editor", tenantId: a.id });
    const r = await signIn({
      ctx: ids.ctx,
      input: { login: u.email, password: TEST_PASSWORD, kind: "staff", tenantId: a.id },
    });
    if (r.status !== "signed_in") throw new Error(r.status);
    const count = async () =>
      (
        await query<{ n: number }>(
          db.orm,
          sql`select count(*)::int as n from platform.sessions where user_id = ${u.id}`,
        )
      )[0]?.n;
    expect(await count()).toBe(1);
    ids.clock.advance(30 * 60_000);
    await pruneIdentity({ ctx: ids.ctx });
    expect(await count()).toBe(0);
  });

  it("generates initial passwords that meet the policy", () => {
    for (let i = 0; i < 20; i++) {
      expect(passwordProblems(generatePassword(), defaultPasswordPolicy)).toEqual([]);
    }
  });
});
