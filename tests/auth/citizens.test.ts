import { authorize, principalFromSession, registerCitizen, signIn } from "@zhengyun/auth";
import type { Database } from "@zhengyun/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityFactory, TEST_PASSWORD } from "../harness/identity.ts";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";

describe.each(drivers())("citizens on %s", (driver) => {
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
    await ids.cleanup();
    await tenants.cleanup();
    await db.close();
  });

  const citizenSignIn = async (login: string, tenantId: string, password = TEST_PASSWORD) => {
    const r = await signIn({
      ctx: ids.ctx,
      input: { login, password, kind: "citizen", tenantId },
    });
    if (r.status !== "signed_in") throw new Error(r.status);
    return r.token;
  };

  it("keeps one identity across tenants, acting only where registered", async () => {
    const login = ids.unknownLogin();
    const reg = await registerCitizen({
      ctx: ids.ctx,
      input: { tenantId: a.id, login, password: TEST_PASSWORD, displayName: "张三" },
    });
    await ids.track(reg.userId);
    expect(reg).toMatchObject({ joined: true, newIdentity: true });
    const token = await citizenSignIn(login, a.id);
    const inA = await principalFromSession(ids.ctx, token, a.id);
    expect(inA).toMatchObject({ kind: "citizen", id: reg.userId, tenantId: a.id });
    expect(authorize(inA, "citizen:self", a.id)).toBe(true);
    // Not registered in b: the same session acts as nobody there, and cannot sign in there.
    const inB = await principalFromSession(ids.ctx, token, b.id);
    expect(authorize(inB, "citizen:self", b.id)).toBe(false);
    await expect(citizenSignIn(login, b.id)).rejects.toMatchObject({ code: "unauthenticated" });

    // Joining b needs the identity's password; then the same user acts in both.
    await expect(
      registerCitizen({
        ctx: ids.ctx,
        input: { tenantId: b.id, login, password: "Other-Pass-77" },
      }),
    ).rejects.toMatchObject({ code: "unauthenticated" });
    const join = await registerCitizen({
      ctx: ids.ctx,
      input: { tenantId: b.id, login, password: TEST_PASSWORD },
    });
    expect(join).toEqual({ userId: reg.userId, joined: true, newIdentity: false });
    const inBNow = await principalFromSession(ids.ctx, token, b.id);
    expect(authorize(inBNow, "citizen:self", b.id)).toBe(true);
    expect(await citizenSignIn(login, b.id)).toBeTruthy();
  });

  it("never lets a citizen session act as staff", async () => {
    const login = ids.unknownLogin();
    const reg = await registerCitizen({
      ctx: ids.ctx,
      input: { tenantId: a.id, login, password: TEST_PASSWORD },
    });
    await ids.track(reg.userId);
    await expect(
      signIn({
        ctx: ids.ctx,
        input: { login, password: TEST_PASSWORD, kind: "staff", tenantId: a.id },
      }),
    ).rejects.toMatchObject({ code: "unauthenticated" });
    await expect(
      registerCitizen({ ctx: ids.ctx, input: { tenantId: a.id, login: "x", password: "y" } }),
    ).rejects.toMatchObject({ code: "validation" });
  });
});
