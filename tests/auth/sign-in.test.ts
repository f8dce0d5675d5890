import {
  createRateLimiter,
  createUser,
  defaultPasswordPolicy,
  enrollTotp,
  passwordProblems,
  principalFromSession,
  RECOVERY_CODE_COUNT,
  signIn,
  totpCode,
  verifyTotp,
} from "@zhengyun/auth";
import { ManualClock } from "@zhengyun/core";
import { type Database, query } from "@zhengyun/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityFactory, TEST_PASSWORD } from "../harness/identity.ts";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";

const MIN = 60_000;

describe.each(drivers())("sign-in on %s", (driver) => {
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

  const attempt = (login: string, password: string, tenantId: string | null = t.id) =>
    signIn({ ctx: ids.ctx, input: { login, password, kind: "staff", tenantId } });
  const errorOf = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: { code?: string; message?: string; issues?: unknown; extra?: unknown }) => ({
        code: e.code,
        message: e.message,
        issues: e.issues,
        extra: e.extra,
      }),
    );

  it("answers unknown user, wrong password, disabled and wrong tenant identically", async () => {
    const u = await ids.create({ role: "case_officer", tenantId: t.id });
    const unknown = await errorOf(attempt(ids.unknownLogin(), TEST_PASSWORD));
    const wrong = await errorOf(attempt(u.email, "Wrong-Pass-1"));
    const elsewhere = await errorOf(attempt(u.email, TEST_PASSWORD, "ten_other"));
    const malformed = await errorOf(attempt(ids.unknownLogin({ malformed: true }), TEST_PASSWORD));
    expect(unknown).toEqual({
      code: "unauthenticated",
      message: "Invalid credentials",
      issues: undefined,
      extra: undefined,
    });
    expect(wrong).toEqual(unknown);
    expect(elsewhere).toEqual(unknown);
    expect(malformed).toEqual(unknown);
  });

  it("locks a login after 5 failures for 15 minutes, then starts over", async () => {
    const u = await ids.create({ role: "case_officer", tenantId: t.id });
    const start = ids.clock.now().getTime();
    for (let i = 0; i < 5; i++) {
      expect((await errorOf(attempt(u.email, "Wrong-Pass-1")))?.code).toBe("unauthenticated");
    }
    // Even the right password is refused while locked.
    const locked = await errorOf(attempt(u.email, TEST_PASSWORD));
    expect(locked?.code).toBe("limit_exceeded");
    expect(locked?.extra).toEqual({ retryAfter: 15 * 60 });
    ids.clock.set(start + 15 * MIN - 1);
    expect((await errorOf(attempt(u.email, TEST_PASSWORD)))?.code).toBe("limit_exceeded");
    ids.clock.set(start + 15 * MIN);
    expect((await attempt(u.email, TEST_PASSWORD)).status).toBe("signed_in");
    // Success cleared the count: four more failures do not lock.
    for (let i = 0; i < 4; i++) await errorOf(attempt(u.email, "Wrong-Pass-1"));
    expect((await attempt(u.email, TEST_PASSWORD)).status).toBe("signed_in");
  });

  it("locks unknown logins the same way, so lockout reveals nothing", async () => {
    const ghost = ids.unknownLogin();
    for (let i = 0; i < 5; i++) await errorOf(attempt(ghost, "Wrong-Pass-1"));
    expect((await errorOf(attempt(ghost, "Wrong-Pass-1")))?.code).toBe("limit_exceeded");
  });

  it("honours a configured lockout", async () => {
    const u = await ids.create({ role: "case_officer", tenantId: t.id });
    const ctx = { ...ids.ctx, options: { maxFailures: 2, lockoutMs: MIN } };
    const go = (password: string) =>
      errorOf(signIn({ ctx, input: { login: u.email, password, kind: "staff", tenantId: t.id } }));
    await go("Wrong-Pass-1");
    await go("Wrong-Pass-1");
    expect((await go(TEST_PASSWORD))?.code).toBe("limit_exceeded");
    ids.clock.advance(MIN);
    expect(await go(TEST_PASSWORD)).toBeUndefined();
  });

  it("rate-limits sign-in per IP", async () => {
    const clock = new ManualClock("2026-03-02T00:00:00Z");
    const limiter = createRateLimiter({ limit: 3, windowMs: MIN, clock });
    const ctx = { ...ids.ctx, signInLimiter: limiter, ip: "203.0.113.9" };
    const login = ids.unknownLogin();
    for (let i = 0; i < 3; i++) {
      await errorOf(signIn({ ctx, input: { login, password: "p", kind: "staff" } }));
    }
    const limited = await errorOf(signIn({ ctx, input: { login, password: "p", kind: "staff" } }));
    expect(limited).toMatchObject({ code: "limit_exceeded", extra: { retryAfter: 60 } });
    // Another IP is unaffected; the window passes.
    expect(() => limiter.hit("198.51.100.1")).not.toThrow();
    clock.advance(MIN);
    expect(() => limiter.hit("203.0.113.9")).not.toThrow();
  });

  it("refuses passwords outside the policy and stores argon2id hashes", async () => {
    for (const pw of ["Ab1!", "alllowercase1", "Password1!", "P@ssw0rd", `${"x".repeat(200)}A1`]) {
      expect(passwordProblems(pw, defaultPasswordPolicy).length).toBeGreaterThan(0);
    }
    expect(passwordProblems("Zy-test-Pass9", defaultPasswordPolicy)).toEqual([]);
    await expect(
      createUser({
        ctx: ids.ctx,
        input: { login: "weak@example.test", displayName: "w", password: "Password1!" },
      }),
    ).rejects.toMatchObject({ code: "validation" });
    const strict = { ...ids.ctx, options: { passwordPolicy: () => ({ minLength: 16 }) } };
    await expect(
      createUser({
        ctx: strict,
        input: { login: "short@example.test", displayName: "s", password: TEST_PASSWORD },
      }),
    ).rejects.toMatchObject({ code: "validation" });
    const u = await ids.create();
    const [row] = await query<{ hash: string }>(
      db.orm,
      sql`select hash from platform.password_credentials where user_id = ${u.id}`,
    );
    expect(row?.hash.startsWith("$argon2id$")).toBe(true);
  });

  describe("TOTP", () => {
    const enrolled = async () => {
      const u = await ids.create({ role: "tenant_admin", tenantId: t.id });
      const r = await attempt(u.email, TEST_PASSWORD);
      // Mandatory for tenant admins: the password alone gives only a pending session.
      expect(r.status).toBe("totp_enrollment_required");
      if (r.status === "signed_in") throw new Error("unexpected");
      expect(await principalFromSession(ids.ctx, r.pendingToken, t.id)).toBeUndefined();
      const { secret, uri } = await enrollTotp({ ctx: ids.ctx, input: { userId: r.userId } });
      expect(uri).toMatch(/^otpauth:\/\/totp\//);
      ids.clock.advance(30_000);
      const done = await verifyTotp({
        ctx: ids.ctx,
        input: { pendingToken: r.pendingToken, code: totpCode(secret, ids.clock.now()) },
      });
      if (done.status !== "signed_in") throw new Error(done.status);
      expect(done.token).not.toBe(r.pendingToken);
      expect(done.recoveryCodes).toHaveLength(RECOVERY_CODE_COUNT);
      return { u, secret, recoveryCodes: done.recoveryCodes ?? [] };
    };
    const pending = async (email: string) => {
      const r = await attempt(email, TEST_PASSWORD);
      if (r.status !== "totp_required") throw new Error(r.status);
      return r.pendingToken;
    };
    const tryCode = (pendingToken: string, code: string) =>
      verifyTotp({ ctx: ids.ctx, input: { pendingToken, code } }).then(
        (r) => r.status,
        (e: { code: string }) => e.code,
      );

    it("accepts codes one step either side and refuses two steps off", async () => {
      const { u, secret } = await enrolled();
      for (const [offset, expected] of [
        [-2, "unauthenticated"],
        [2, "unauthenticated"],
        [-1, "signed_in"],
        [1, "signed_in"],
      ] as const) {
        ids.clock.advance(120_000); // fresh steps each round, so replay protection is not what refuses
        const code = totpCode(secret, new Date(ids.clock.now().getTime() + offset * 30_000));
        expect(await tryCode(await pending(u.email), code)).toBe(expected);
      }
    });

    it("refuses a code used once already", async () => {
      const { u, secret } = await enrolled();
      ids.clock.advance(60_000);
      const code = totpCode(secret, ids.clock.now());
      expect(await tryCode(await pending(u.email), code)).toBe("signed_in");
      expect(await tryCode(await pending(u.email), code)).toBe("unauthenticated");
      // An older step than the last one used is refused too.
      ids.clock.advance(30_000);
      const older = totpCode(secret, new Date(ids.clock.now().getTime() - 60_000));
      expect(await tryCode(await pending(u.email), older)).toBe("unauthenticated");
    });

    it("accepts each recovery code once", async () => {
      const { u, recoveryCodes } = await enrolled();
      const [first, second] = recoveryCodes as [string, string];
      expect(await tryCode(await pending(u.email), first)).toBe("signed_in");
      expect(await tryCode(await pending(u.email), first)).toBe("unauthenticated");
      expect(await tryCode(await pending(u.email), second.toLowerCase())).toBe("signed_in");
      const rows = await query<{ code_hash: string }>(
        db.orm,
        sql`select code_hash from platform.recovery_codes where user_id = ${u.id}`,
      );
      expect(rows).toHaveLength(RECOVERY_CODE_COUNT);
      for (const r of rows) expect(recoveryCodes.join()).not.toContain(r.code_hash);
    });

    it("does not demand a second factor from a case officer who has none", async () => {
      const u = await ids.create({ role: "case_officer", tenantId: t.id });
      expect((await attempt(u.email, TEST_PASSWORD)).status).toBe("signed_in");
    });
  });
});
