import { randomBytes } from "node:crypto";
import { type AuthCtx, createUser, enrollTotp, signIn, totpCode, verifyTotp } from "@zhengyun/auth";
import { ManualClock } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import { platformSchema, query } from "@zhengyun/db";
import { inArray, sql } from "drizzle-orm";

export const TEST_PASSWORD = "Zy-test-Pass9";

/**
 * Makes users (and their roles) for a suite and removes them afterwards: users live in the shared
 * control plane, so a suite on the real test Postgres must not leave them behind.
 */
export function identityFactory(db: Database, clock = new ManualClock("2026-03-02T01:00:00Z")) {
  const made: string[] = [];
  const logins: string[] = [];
  const ctx: AuthCtx = { db, clock };
  const factory = {
    ctx,
    clock,
    async create(opts: { role?: string; tenantId?: string | null; password?: string | null } = {}) {
      const email = `u-${randomBytes(6).toString("hex")}@example.test`;
      const user = await createUser({
        ctx,
        input: {
          login: email,
          displayName: "测试用户",
          ...(opts.password === null ? {} : { password: opts.password ?? TEST_PASSWORD }),
          ...(opts.role ? { role: opts.role, tenantId: opts.tenantId ?? null } : {}),
        },
      });
      made.push(user.id);
      logins.push(email);
      return { ...user, email };
    },
    /** Signs a staff user in, enrolling TOTP when the role makes it mandatory; returns the token. */
    async signInStaff(email: string, tenantId: string | null) {
      const r = await signIn({
        ctx,
        input: { login: email, password: TEST_PASSWORD, kind: "staff", tenantId },
      });
      if (r.status === "signed_in") return r.token;
      let secret: string | undefined;
      if (r.status === "totp_enrollment_required") {
        secret = (await enrollTotp({ ctx, input: { userId: r.userId } })).secret;
      } else {
        const rows = await query<{ secret: string }>(
          db.orm,
          sql`select secret from platform.totp_credentials where user_id = ${r.userId}`,
        );
        secret = rows[0]?.secret;
      }
      if (!secret) throw new Error("no TOTP secret");
      // Codes are single use per step: move past any step already spent.
      clock.advance(30_000);
      const done = await verifyTotp({
        ctx,
        input: { pendingToken: r.pendingToken, code: totpCode(secret, clock.now()) },
      });
      if (done.status !== "signed_in") throw new Error("second factor did not complete");
      return done.token;
    },
    /** Removes a user made outside the factory at cleanup. */
    async track(userId: string) {
      made.push(userId);
    },
    /** A login no account has, whose failure counters cleanup removes. */
    unknownLogin(opts: { malformed?: boolean } = {}) {
      const login = `ghost-${randomBytes(6).toString("hex")}${opts.malformed ? " at " : "@"}example.test`;
      logins.push(login);
      return login;
    },
    /** Also removes the API keys of `tenantIds` (keys have no foreign key to their tenant). */
    async cleanup(tenantIds: string[] = []) {
      if (tenantIds.length > 0) {
        await db.orm
          .delete(platformSchema.apiKeys)
          .where(inArray(platformSchema.apiKeys.tenantId, tenantIds));
      }
      const keys = [...logins.splice(0), ...made.map((id) => `totp:${id}`)];
      if (keys.length > 0) {
        await db.orm
          .delete(platformSchema.signInFailures)
          .where(inArray(platformSchema.signInFailures.login, keys));
      }
      if (made.length === 0) return;
      await db.orm
        .delete(platformSchema.users)
        .where(inArray(platformSchema.users.id, made.splice(0)));
    },
  };
  return factory;
}
