import { LimitExceededError } from "@zhengyun/core";
import { passwordCredentials, type RoleId } from "@zhengyun/db/platform";
import { withPlatform } from "@zhengyun/tenancy";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { type AuthCtx, audit, clockOf, optionsOf } from "./context.ts";
import { invalidCredentials } from "./errors.ts";
import { normalizeLogin, parse } from "./input.ts";
import { clearFailures, lockedUntil, recordFailure } from "./lockout.ts";
import { dummyHash, verifyPassword } from "./password.ts";
import { sessionManager, type ValidSession } from "./sessions.ts";
import { checkSecondFactor, hasConfirmedTotp } from "./totp.ts";
import { findUserByLogin, rolesIn } from "./users.ts";

export type SignInResult =
  | { status: "signed_in"; token: string; session: ValidSession; recoveryCodes?: string[] }
  /** Password accepted; the pending token is good only for verifyTotp (or enrolTotp). */
  | { status: "totp_required" | "totp_enrollment_required"; pendingToken: string; userId: string };

const signInInput = z.object({
  login: z.string().max(320),
  password: z.string().max(1024),
  kind: z.enum(["staff", "citizen"]),
  /** The tenant signed in to; null for the vendor console. Citizens always name a tenant. */
  tenantId: z.string().min(1).nullable().default(null),
  /** The session the client still carries, if any: it is ended, never upgraded (no fixation). */
  previousToken: z.string().optional(),
});

/** Vendor staff and tenant admins must use a second factor. */
const totpMandatory = (roles: RoleId[]) =>
  roles.some((r) =>
    ["operator", "finance", "security_admin", "audit_admin", "tenant_admin"].includes(r),
  );

type Outcome = { ok: true; result: SignInResult } | { ok: false; lockedUntil?: Date };

/**
 * Password sign-in. Unknown login, wrong password, disabled account and a login with no role here
 * all get the same error after the same argon2 work. Failures are counted (and audited) in a
 * transaction that commits before the error is thrown.
 */
export async function signIn({
  ctx,
  input,
}: {
  ctx: AuthCtx;
  input: unknown;
}): Promise<SignInResult> {
  if (ctx.ip) ctx.signInLimiter?.hit(ctx.ip);
  const i = parse(signInInput, input);
  const opts = optionsOf(ctx);
  const login = normalizeLogin(i.login);
  const loginKey = login ? ("email" in login ? login.email : login.phone) : i.login.toLowerCase();
  const now = clockOf(ctx).now();
  const sessions = sessionManager(ctx.db, clockOf(ctx), opts);
  if (i.previousToken) await sessions.invalidate(i.previousToken);

  const outcome = await withPlatform(ctx.db, async (tx): Promise<Outcome> => {
    const until = await lockedUntil(tx, loginKey, now);
    if (until) {
      await audit(ctx, tx, {
        action: "auth.sign_in",
        result: "failure",
        tenantId: i.tenantId,
        data: { reason: "locked" },
      });
      return { ok: false, lockedUntil: until };
    }
    const user = await findUserByLogin(tx, login ?? { email: "" });
    // The same queries and the same argon2 work whether or not the account exists.
    const userId = user?.id ?? "usr_none";
    const [cred] = await tx
      .select()
      .from(passwordCredentials)
      .where(eq(passwordCredentials.userId, userId));
    const passwordOk = await verifyPassword(cred?.hash ?? (await dummyHash()), i.password);
    const roles = await rolesIn(tx, userId, i.tenantId);
    const fits =
      i.kind === "citizen" ? roles.includes("citizen") : roles.some((r) => r !== "citizen");
    if (!user || !cred || !passwordOk || user.status !== "active" || !fits) {
      const { locked } = await recordFailure(tx, loginKey, now, opts);
      await audit(ctx, tx, {
        action: locked ? "auth.lockout" : "auth.sign_in",
        result: "failure",
        tenantId: i.tenantId,
        actorId: user?.id ?? null,
      });
      return { ok: false };
    }
    await clearFailures(tx, loginKey);
    const enrolled = await hasConfirmedTotp(tx, user.id);
    const mandatory = i.kind === "staff" && totpMandatory(roles);
    const totp = enrolled ? "verify" : mandatory ? "enroll" : "none";
    // The session and its audit record commit with the cleared counter (nested calls join tx).
    const pending = totp !== "none";
    const created = await sessions.create({
      userId: user.id,
      kind: i.kind,
      tenantId: i.tenantId,
      pending,
    });
    await audit(ctx, tx, {
      action: pending ? "auth.password_ok" : "auth.sign_in",
      result: "success",
      tenantId: i.tenantId,
      actorId: user.id,
    });
    if (!pending) return { ok: true, result: { status: "signed_in", ...created } };
    return {
      ok: true,
      result: {
        status: totp === "verify" ? "totp_required" : "totp_enrollment_required",
        pendingToken: created.token,
        userId: user.id,
      },
    };
  });

  if (outcome.ok) return outcome.result;
  if (outcome.lockedUntil) {
    const seconds = Math.ceil((outcome.lockedUntil.getTime() - now.getTime()) / 1000);
    throw new LimitExceededError("Too many failed sign-in attempts; try again later", seconds);
  }
  throw invalidCredentials();
}

/**
 * Second step: a TOTP or recovery code against a pending session. The pending session ends and a
 * new full session (new id) begins. A wrong code counts as a sign-in failure.
 */
export async function verifyTotp({
  ctx,
  input,
}: {
  ctx: AuthCtx;
  input: unknown;
}): Promise<SignInResult> {
  const i = parse(
    z.object({
      pendingToken: z.string(),
      code: z.string().trim().max(32),
      /** The URL's tenant (null on the vendor route): a pending session only completes where it began. */
      tenantId: z.string().nullable().optional(),
    }),
    input,
  );
  const opts = optionsOf(ctx);
  const sessions = sessionManager(ctx.db, clockOf(ctx), opts);
  const pending = await sessions.validate(i.pendingToken);
  if (!pending?.pending) throw invalidCredentials();
  if (i.tenantId !== undefined && pending.tenantId !== i.tenantId) throw invalidCredentials();
  const now = clockOf(ctx).now();
  const factorKey = `totp:${pending.userId}`;
  const done = await withPlatform(ctx.db, async (tx): Promise<SignInResult | undefined> => {
    if (await lockedUntil(tx, factorKey, now)) {
      // Locked: this pending session is spent; the user starts again with the password.
      await sessions.invalidate(i.pendingToken);
      return undefined;
    }
    const r = await checkSecondFactor(ctx, tx, pending.userId, i.code);
    if (!r.ok) await recordFailure(tx, factorKey, now, opts);
    await audit(ctx, tx, {
      action: "auth.totp",
      result: r.ok ? "success" : "failure",
      tenantId: pending.tenantId,
      actorId: pending.userId,
      data: r.ok ? { method: r.method } : {},
    });
    if (!r.ok) return undefined;
    await sessions.invalidate(i.pendingToken);
    const created = await sessions.create({
      userId: pending.userId,
      kind: pending.kind,
      tenantId: pending.tenantId,
      pending: false,
    });
    return {
      status: "signed_in",
      ...created,
      ...(r.recoveryCodes ? { recoveryCodes: r.recoveryCodes } : {}),
    };
  });
  if (!done) throw invalidCredentials();
  return done;
}

export async function signOut({ ctx, input }: { ctx: AuthCtx; input: unknown }): Promise<void> {
  const i = parse(z.object({ token: z.string() }), input);
  const sessions = sessionManager(ctx.db, clockOf(ctx), optionsOf(ctx));
  const s = await sessions.validate(i.token);
  await sessions.invalidate(i.token);
  if (s) {
    await withPlatform(ctx.db, (tx) =>
      audit(ctx, tx, {
        action: "auth.sign_out",
        result: "success",
        tenantId: s.tenantId,
        actorId: s.userId,
      }),
    );
  }
}
