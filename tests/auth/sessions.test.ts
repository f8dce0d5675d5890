import {
  assignRole,
  changePassword,
  defaultAuthOptions,
  disableUser,
  principalFromSession,
  revokeRole,
  sessionCookie,
  sessionManager,
  setPassword,
  signIn,
  signOut,
} from "@zhengyun/auth";
import { type Database, query } from "@zhengyun/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityFactory, TEST_PASSWORD } from "../harness/identity.ts";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";

const MIN = 60_000;

describe.each(drivers())("sessions on %s", (driver) => {
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
    await ids.cleanup();
    await tenants.cleanup();
    await db.close();
  });

  const officer = () => ids.create({ role: "case_officer", tenantId: t.id });
  const sessions = () => sessionManager(db, ids.clock, defaultAuthOptions);
  const staffSignIn = async (email: string, previousToken?: string) => {
    const r = await signIn({
      ctx: ids.ctx,
      input: {
        login: email,
        password: TEST_PASSWORD,
        kind: "staff",
        tenantId: t.id,
        ...(previousToken ? { previousToken } : {}),
      },
    });
    if (r.status !== "signed_in") throw new Error(r.status);
    return r;
  };

  it("issues a new session id at sign-in and ends the one the client carried", async () => {
    const u = await officer();
    const first = await staffSignIn(u.email);
    const second = await staffSignIn(u.email, first.token);
    expect(second.token).not.toBe(first.token);
    expect(await sessions().validate(first.token)).toBeNull();
    expect(await sessions().validate(second.token)).not.toBeNull();
    // A token the client made up never becomes a session.
    expect(await sessions().validate("a".repeat(40))).toBeNull();
  });

  it("stores only the SHA-256 of the session id", async () => {
    const u = await officer();
    const { token } = await staffSignIn(u.email);
    const rows = await query<{ dump: string }>(
      db.orm,
      sql`select row_to_json(s)::text as dump from platform.sessions s`,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.dump).not.toContain(token);
    const { createHash } = await import("node:crypto");
    const h = createHash("sha256").update(token).digest("hex");
    expect(rows.some((r) => r.dump.includes(h))).toBe(true);
  });

  it("expires exactly at the idle limit, which activity slides", async () => {
    const u = await officer();
    const { token, session } = await staffSignIn(u.email);
    const start = ids.clock.now().getTime();
    expect(session.idleExpiresAt.getTime() - start).toBe(30 * MIN);
    ids.clock.set(start + 30 * MIN - 1);
    const touched = await sessions().validate(token);
    expect(touched?.idleExpiresAt.getTime()).toBe(start + 60 * MIN - 1);
    ids.clock.set(start + 60 * MIN - 2);
    expect(await sessions().validate(token)).not.toBeNull();
    // That validation slid it again; now stay idle for exactly 30 minutes.
    const last = ids.clock.now().getTime();
    ids.clock.set(last + 30 * MIN);
    expect(await sessions().validate(token)).toBeNull();
    ids.clock.set(last + 1);
    expect(await sessions().validate(token)).toBeNull(); // deleted, not just hidden
  });

  it("expires exactly at the absolute limit however active the session is", async () => {
    const u = await officer();
    const { token, session } = await staffSignIn(u.email);
    const start = ids.clock.now().getTime();
    expect(session.absoluteExpiresAt.getTime() - start).toBe(12 * 60 * MIN);
    for (let at = 20 * MIN; at < 12 * 60 * MIN; at += 20 * MIN) {
      ids.clock.set(start + at);
      expect(await sessions().validate(token)).not.toBeNull();
    }
    ids.clock.set(start + 12 * 60 * MIN - 1);
    const last = await sessions().validate(token);
    expect(last?.idleExpiresAt.getTime()).toBe(start + 12 * 60 * MIN);
    ids.clock.set(start + 12 * 60 * MIN);
    expect(await sessions().validate(token)).toBeNull();
  });

  it("uses the configured citizen limits", async () => {
    const c = await ids.create({ role: "citizen", tenantId: t.id });
    const ctx = {
      ...ids.ctx,
      options: { citizenSession: { idleMs: 10 * MIN, absoluteMs: 20 * MIN } },
    };
    const r = await signIn({
      ctx,
      input: { login: c.email, password: TEST_PASSWORD, kind: "citizen", tenantId: t.id },
    });
    if (r.status !== "signed_in") throw new Error(r.status);
    const start = ids.clock.now().getTime();
    expect(r.session.idleExpiresAt.getTime() - start).toBe(10 * MIN);
    expect(r.session.absoluteExpiresAt.getTime() - start).toBe(20 * MIN);
    const m = sessionManager(db, ids.clock, {
      ...defaultAuthOptions,
      citizenSession: { idleMs: 10 * MIN, absoluteMs: 20 * MIN },
    });
    ids.clock.set(start + 10 * MIN);
    expect(await m.validate(r.token)).toBeNull();
  });

  it("ends the session at sign-out", async () => {
    const u = await officer();
    const { token } = await staffSignIn(u.email);
    await signOut({ ctx: ids.ctx, input: { token } });
    expect(await sessions().validate(token)).toBeNull();
    expect(await principalFromSession(ids.ctx, token, t.id)).toBeUndefined();
  });

  it("revokes every session on password change, reset, role change and disable", async () => {
    const u = await officer();
    let password = TEST_PASSWORD;
    const revokedBy = async (action: () => Promise<unknown>) => {
      const sign = () =>
        signIn({
          ctx: ids.ctx,
          input: { login: u.email, password, kind: "staff", tenantId: t.id },
        });
      const [a, b] = [await sign(), await sign()];
      await action();
      for (const r of [a, b]) {
        if (r.status !== "signed_in") throw new Error(r.status);
        expect(await sessions().validate(r.token)).toBeNull();
      }
    };
    await revokedBy(async () => {
      await changePassword({
        ctx: ids.ctx,
        input: { userId: u.id, currentPassword: password, newPassword: "Another-Pass7" },
      });
      password = "Another-Pass7";
    });
    await revokedBy(async () => {
      await setPassword({ ctx: ids.ctx, input: { userId: u.id, password: TEST_PASSWORD } });
      password = TEST_PASSWORD;
    });
    await revokedBy(() =>
      assignRole({ ctx: ids.ctx, input: { userId: u.id, role: "portal_editor", tenantId: t.id } }),
    );
    await revokedBy(() =>
      revokeRole({ ctx: ids.ctx, input: { userId: u.id, role: "portal_editor", tenantId: t.id } }),
    );
    await revokedBy(() => disableUser({ ctx: ids.ctx, input: { userId: u.id } }));
    await expect(staffSignIn(u.email)).rejects.toMatchObject({ code: "unauthenticated" });
  });

  it("gives the principal the roles of its tenant and nothing elsewhere", async () => {
    const u = await officer();
    const { token } = await staffSignIn(u.email);
    expect(await principalFromSession(ids.ctx, token, t.id)).toMatchObject({
      kind: "staff",
      tenantId: t.id,
      roles: ["case_officer"],
    });
  });

  it("builds HttpOnly, SameSite=Lax cookies, __Host- and Secure over https", () => {
    expect(sessionCookie("abc", { secure: true, maxAgeSeconds: 60 }).serialize()).toBe(
      "__Host-zy_session=abc; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age=60",
    );
    expect(sessionCookie("abc", { secure: false }).serialize()).toBe(
      "zy_session=abc; Path=/; HttpOnly; SameSite=Lax",
    );
  });
});
