import {
  approveSupportAccess,
  authorize,
  createApiKey,
  listApiKeys,
  principalFromApiKey,
  principalFromSession,
  rejectSupportAccess,
  requestSupportAccess,
  revokeApiKey,
  revokeSupportAccess,
} from "@zhengyun/auth";
import { type Database, query } from "@zhengyun/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityFactory } from "../harness/identity.ts";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";

describe.each(drivers())("API keys and support access on %s", (driver) => {
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

  it("shows a key once, stores only its hash, and verifies it with its scopes", async () => {
    const { key, apiKey } = await createApiKey({
      ctx: ids.ctx,
      input: { tenantId: a.id, scopes: ["open311", "read"], name: "热线" },
    });
    expect(key).toMatch(/^zy_[a-z0-9]{12}_/);
    const dump = await query<{ j: string }>(
      db.orm,
      sql`select row_to_json(k)::text as j from platform.api_keys k`,
    );
    for (const r of dump) expect(r.j).not.toContain(key.slice(16));
    expect((await listApiKeys({ ctx: ids.ctx, input: { tenantId: a.id } }))[0]).not.toHaveProperty(
      "secretHash",
    );
    const p = await principalFromApiKey(ids.ctx, key);
    expect(p).toEqual({
      kind: "apikey",
      id: apiKey.id,
      tenantId: a.id,
      roles: [],
      scopes: ["open311", "read"],
    });
    expect(authorize(p, "open311:write", a.id)).toBe(true);
    expect(authorize(p, "usage:write", a.id)).toBe(false);
    expect(authorize(p, "open311:write", b.id)).toBe(false);
  });

  it("refuses wrong, malformed and revoked keys", async () => {
    const { key, apiKey } = await createApiKey({
      ctx: ids.ctx,
      input: { tenantId: a.id, scopes: ["usage:write"] },
    });
    const last = key.at(-1) === "A" ? "B" : "A";
    expect(await principalFromApiKey(ids.ctx, key.slice(0, -1) + last)).toBeUndefined();
    expect(await principalFromApiKey(ids.ctx, "zy_nope")).toBeUndefined();
    expect(await principalFromApiKey(ids.ctx, "")).toBeUndefined();
    await expect(
      createApiKey({ ctx: ids.ctx, input: { tenantId: a.id, scopes: ["admin"] } }),
    ).rejects.toMatchObject({ code: "validation" });
    await revokeApiKey({ ctx: ids.ctx, input: { tenantId: a.id, keyId: apiKey.id } });
    expect(await principalFromApiKey(ids.ctx, key)).toBeUndefined();
    // Revoking through another tenant finds nothing.
    await expect(
      revokeApiKey({ ctx: ids.ctx, input: { tenantId: b.id, keyId: apiKey.id } }),
    ).rejects.toMatchObject({ code: "not_found" });
  });

  it("records last use at most once per interval", async () => {
    const { key, apiKey } = await createApiKey({
      ctx: ids.ctx,
      input: { tenantId: a.id, scopes: ["read"] },
    });
    const lastUsed = async () =>
      (
        await query<{ t: Date | string }>(
          db.orm,
          sql`select last_used_at as t from platform.api_keys where id = ${apiKey.id}`,
        )
      )[0]?.t;
    await principalFromApiKey(ids.ctx, key);
    const first = new Date((await lastUsed()) as string).getTime();
    expect(first).toBe(ids.clock.now().getTime());
    ids.clock.advance(30_000);
    await principalFromApiKey(ids.ctx, key);
    expect(new Date((await lastUsed()) as string).getTime()).toBe(first);
    ids.clock.advance(30_000);
    await principalFromApiKey(ids.ctx, key);
    expect(new Date((await lastUsed()) as string).getTime()).toBe(first + 60_000);
  });

  it("only a tenant's own key managers create keys there", async () => {
    const admin = await ids.create({ role: "tenant_admin", tenantId: a.id });
    const actor = {
      kind: "staff" as const,
      id: admin.id,
      tenantId: a.id,
      roles: ["tenant_admin"],
      scopes: [],
    };
    await expect(
      createApiKey({ ctx: { ...ids.ctx, actor }, input: { tenantId: b.id, scopes: ["read"] } }),
    ).rejects.toMatchObject({ code: "forbidden" });
    const sec = { ...actor, roles: ["tenant_security_admin"] };
    await expect(
      createApiKey({
        ctx: { ...ids.ctx, actor: sec },
        input: { tenantId: a.id, scopes: ["read"] },
      }),
    ).rejects.toMatchObject({ code: "forbidden" });
    await expect(
      createApiKey({ ctx: { ...ids.ctx, actor }, input: { tenantId: a.id, scopes: ["read"] } }),
    ).resolves.toBeTruthy();
  });

  it("opens business data to vendor staff only under an approved, unexpired grant", async () => {
    const op = await ids.create({ role: "operator" });
    const admin = await ids.create({ role: "tenant_admin", tenantId: a.id });
    const token = await ids.signInStaff(op.email, null);
    const opActor = await principalFromSession(ids.ctx, token, null);
    if (!opActor) throw new Error("operator has no session");
    const adminActor = {
      kind: "staff" as const,
      id: admin.id,
      tenantId: a.id,
      roles: ["tenant_admin"],
      scopes: [],
    };
    const now = () => ids.clock.now();
    const canRead = async (tenantId: string) =>
      authorize(
        await principalFromSession(ids.ctx, token, tenantId),
        "cases:read",
        tenantId,
        now(),
      );

    const g = await requestSupportAccess({
      ctx: { ...ids.ctx, actor: opActor },
      input: {
        vendorUserId: op.id,
        tenantId: a.id,
        scope: ["cases:read"],
        reason: "排查工单问题",
        minutes: 60,
      },
    });
    expect(await canRead(a.id)).toBe(false); // requested is not approved
    // The vendor cannot approve its own request; another tenant's admin cannot either.
    await expect(
      approveSupportAccess({
        ctx: { ...ids.ctx, actor: opActor },
        input: { tenantId: a.id, grantId: g.id },
      }),
    ).rejects.toMatchObject({ code: "forbidden" });
    await expect(
      approveSupportAccess({
        ctx: { ...ids.ctx, actor: { ...adminActor, tenantId: b.id } },
        input: { tenantId: b.id, grantId: g.id },
      }),
    ).rejects.toMatchObject({ code: "not_found" });
    ids.clock.advance(10 * 60_000);
    await approveSupportAccess({
      ctx: { ...ids.ctx, actor: adminActor },
      input: { tenantId: a.id, grantId: g.id },
    });
    expect(await canRead(a.id)).toBe(true);
    expect(await canRead(b.id)).toBe(false);
    expect(
      authorize(await principalFromSession(ids.ctx, token, a.id), "cases:write", a.id, now()),
    ).toBe(false);
    // Stay active (staff sessions idle out after 30 minutes) up to the last moment of the window.
    for (const step of [25 * 60_000, 25 * 60_000, 10 * 60_000 - 1]) {
      ids.clock.advance(step);
      expect(await canRead(a.id)).toBe(true);
    }
    ids.clock.advance(1);
    // The window is over; the session is still valid, so only the grant decides.
    const p = await principalFromSession(ids.ctx, token, a.id);
    expect(p).toBeDefined();
    expect(authorize(p, "cases:read", a.id, now())).toBe(false);

    const h = await requestSupportAccess({
      ctx: ids.ctx,
      input: {
        vendorUserId: op.id,
        tenantId: a.id,
        scope: ["mi:read"],
        reason: "医保数据核对",
        minutes: 30,
      },
    });
    await approveSupportAccess({
      ctx: { ...ids.ctx, actor: adminActor },
      input: { tenantId: a.id, grantId: h.id },
    });
    expect(
      authorize(await principalFromSession(ids.ctx, token, a.id), "mi:read", a.id, now()),
    ).toBe(true);
    await revokeSupportAccess({
      ctx: { ...ids.ctx, actor: adminActor },
      input: { tenantId: a.id, grantId: h.id },
    });
    expect(
      authorize(await principalFromSession(ids.ctx, token, a.id), "mi:read", a.id, now()),
    ).toBe(false);

    const r = await requestSupportAccess({
      ctx: ids.ctx,
      input: {
        vendorUserId: op.id,
        tenantId: a.id,
        scope: ["portal:read"],
        reason: "页面排版问题",
        minutes: 30,
      },
    });
    await rejectSupportAccess({
      ctx: { ...ids.ctx, actor: adminActor },
      input: { tenantId: a.id, grantId: r.id },
    });
    await expect(
      approveSupportAccess({
        ctx: { ...ids.ctx, actor: adminActor },
        input: { tenantId: a.id, grantId: r.id },
      }),
    ).rejects.toMatchObject({ code: "conflict" });
    await expect(
      requestSupportAccess({
        ctx: ids.ctx,
        input: {
          vendorUserId: op.id,
          tenantId: a.id,
          scope: ["tenant.audit:read"],
          reason: "看审计日志",
          minutes: 30,
        },
      }),
    ).rejects.toMatchObject({ code: "validation" });
  });
});
