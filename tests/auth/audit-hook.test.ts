import {
  type AuthAuditEvent,
  createApiKey,
  enrollTotp,
  listApiKeys,
  signIn,
  totpCode,
  verifyTotp,
} from "@zhengyun/auth";
import type { Database } from "@zhengyun/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityFactory, TEST_PASSWORD } from "../harness/identity.ts";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";

describe.each(drivers())("audit hook and second-factor lockout on %s", (driver) => {
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let ids: ReturnType<typeof identityFactory>;
  let t: Tenant;

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    tenants = tenantFactory(db);
    ids = identityFactory(db);
    t = await tenants.create();
  });
  afterAll(async () => {
    await ids.cleanup([t.id]);
    await tenants.cleanup();
    await db.close();
  });

  it("hands every action and failure to the hook, with request details", async () => {
    const events: AuthAuditEvent[] = [];
    const ctx = {
      ...ids.ctx,
      ip: "203.0.113.5",
      requestId: "req_1",
      audit: async (_tx: unknown, e: AuthAuditEvent) => {
        events.push(e);
      },
    };
    const u = await ids.create({ role: "case_officer", tenantId: t.id });
    const input = { login: u.email, password: "Wrong-Pass-1", kind: "staff", tenantId: t.id };
    await expect(signIn({ ctx, input })).rejects.toMatchObject({ code: "unauthenticated" });
    await signIn({ ctx, input: { ...input, password: TEST_PASSWORD } });
    expect(events.map((e) => [e.action, e.result])).toEqual([
      ["auth.sign_in", "failure"],
      ["auth.sign_in", "success"],
    ]);
    expect(events[0]).toMatchObject({
      actorId: u.id,
      tenantId: t.id,
      ip: "203.0.113.5",
      requestId: "req_1",
    });
  });

  it("fails the action when the audit write fails, writing nothing", async () => {
    const ctx = {
      ...ids.ctx,
      audit: async () => {
        throw new Error("audit store down");
      },
    };
    await expect(
      createApiKey({ ctx, input: { tenantId: t.id, scopes: ["read"] } }),
    ).rejects.toThrow("audit store down");
    expect(await listApiKeys({ ctx: ids.ctx, input: { tenantId: t.id } })).toEqual([]);
  });

  it("locks the second factor after 5 wrong codes and ends the pending session", async () => {
    const u = await ids.create({ role: "tenant_admin", tenantId: t.id });
    const input = { login: u.email, password: TEST_PASSWORD, kind: "staff", tenantId: t.id };
    const first = await signIn({ ctx: ids.ctx, input });
    if (first.status === "signed_in") throw new Error("expected a pending session");
    const { secret } = await enrollTotp({ ctx: ids.ctx, input: { userId: u.id } });
    const wrong = (pendingToken: string) =>
      verifyTotp({ ctx: ids.ctx, input: { pendingToken, code: "000000" } }).catch((e) => e.code);
    for (let i = 0; i < 5; i++) expect(await wrong(first.pendingToken)).toBe("unauthenticated");
    const right = totpCode(secret, ids.clock.now());
    await expect(
      verifyTotp({ ctx: ids.ctx, input: { pendingToken: first.pendingToken, code: right } }),
    ).rejects.toMatchObject({ code: "unauthenticated" });
    // The pending session is gone: even after the lockout, that token is worthless.
    ids.clock.advance(15 * 60_000);
    await expect(
      verifyTotp({ ctx: ids.ctx, input: { pendingToken: first.pendingToken, code: right } }),
    ).rejects.toMatchObject({ code: "unauthenticated" });
  });
});
