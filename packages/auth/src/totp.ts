import { ConflictError, ForbiddenError, humanCode } from "@zhengyun/core";
import type { Tx } from "@zhengyun/db";
import { recoveryCodes, totpCredentials } from "@zhengyun/db/platform";
import { withPlatform } from "@zhengyun/tenancy";
import { and, eq, isNull } from "drizzle-orm";
import { Secret, TOTP } from "otpauth";
import { z } from "zod";
import { type AuthCtx, audit, clockOf, optionsOf, requirePermission } from "./context.ts";
import { seal, sha256Hex, unseal } from "./crypto.ts";
import { invalidCredentials } from "./errors.ts";
import { parse } from "./input.ts";
import { sessionManager } from "./sessions.ts";
import { accountsPermission, requireManagedUser, requireUser } from "./users.ts";

/*
 * RFC 6238 through `otpauth` (maintained, no dependencies, runs on Node and Workers alike):
 * SHA-1, 6 digits, 30 s steps, which every authenticator app accepts. We add what it does not do: ±1 step skew only, and replay refusal by remembering the last accepted step.
 */
const PERIOD = 30;
const ISSUER = "Zhengyun";
export const RECOVERY_CODE_COUNT = 10;

const totpFor = (secret: string, label: string) =>
  new TOTP({ issuer: ISSUER, label, secret: Secret.fromBase32(secret), period: PERIOD });

const normalizeRecovery = (code: string) => code.toUpperCase().replace(/[^0-9A-Z]/g, "");

/** Starts (or restarts, while unconfirmed) enrolment; the first valid code confirms it. */
export async function enrollTotp({ ctx, input }: { ctx: AuthCtx; input: unknown }) {
  const i = parse(z.object({ userId: z.string().min(1) }), input);
  return withPlatform(ctx.db, async (tx) => {
    const user = await requireUser(tx, i.userId);
    const [existing] = await tx
      .select()
      .from(totpCredentials)
      .where(eq(totpCredentials.userId, i.userId));
    if (existing?.confirmedAt) throw new ConflictError("A second factor is already enrolled");
    const secret = new Secret({ size: 20 }).base32;
    const sealed = seal(secret, ctx.secretKey);
    await tx
      .insert(totpCredentials)
      .values({ userId: i.userId, secret: sealed, lastStep: null, confirmedAt: null })
      .onConflictDoUpdate({
        target: totpCredentials.userId,
        set: { secret: sealed, lastStep: null },
      });
    await audit(ctx, tx, {
      action: "totp.enroll",
      result: "success",
      tenantId: null,
      objectType: "user",
      objectId: i.userId,
    });
    const uri = totpFor(secret, user.email ?? user.phone ?? user.id).toString();
    return { secret, uri };
  });
}

/** Codes for `secret` at `now`, for tests and the demo's printed enrolment. */
export const totpCode = (secret: string, now: Date): string =>
  totpFor(secret, "x").generate({ timestamp: now.getTime() });

export type SecondFactorResult =
  | { ok: false }
  | { ok: true; method: "totp" | "recovery"; recoveryCodes?: string[] };

/**
 * Checks a TOTP code (±1 step, each step usable once) or a single-use recovery code. The first
 * valid TOTP code confirms a pending enrolment and returns the recovery codes, shown only then.
 */
export async function checkSecondFactor(
  ctx: AuthCtx,
  tx: Tx,
  userId: string,
  code: string,
): Promise<SecondFactorResult> {
  const [cred] = await tx.select().from(totpCredentials).where(eq(totpCredentials.userId, userId));
  if (!cred) return { ok: false };
  const now = clockOf(ctx).now();
  if (/^\d{6}$/.test(code)) {
    const delta = TOTP.validate({
      token: code,
      secret: Secret.fromBase32(unseal(cred.secret, ctx.secretKey)),
      period: PERIOD,
      timestamp: now.getTime(),
      window: 1,
    });
    if (delta === null) return { ok: false };
    const step = TOTP.counter({ period: PERIOD, timestamp: now.getTime() }) + delta;
    if (cred.lastStep !== null && step <= cred.lastStep) return { ok: false };
    // Conditional update: two concurrent uses of one code cannot both win.
    const won = await tx
      .update(totpCredentials)
      .set({ lastStep: step, confirmedAt: cred.confirmedAt ?? now })
      .where(
        and(
          eq(totpCredentials.userId, userId),
          cred.lastStep === null
            ? isNull(totpCredentials.lastStep)
            : eq(totpCredentials.lastStep, cred.lastStep),
        ),
      )
      .returning({ userId: totpCredentials.userId });
    if (won.length === 0) return { ok: false };
    if (cred.confirmedAt) return { ok: true, method: "totp" };
    return { ok: true, method: "totp", recoveryCodes: await newRecoveryCodes(tx, userId) };
  }
  if (!cred.confirmedAt) return { ok: false };
  const used = await tx
    .update(recoveryCodes)
    .set({ usedAt: now })
    .where(
      and(
        eq(recoveryCodes.userId, userId),
        eq(recoveryCodes.codeHash, sha256Hex(normalizeRecovery(code))),
        isNull(recoveryCodes.usedAt),
      ),
    )
    .returning({ userId: recoveryCodes.userId });
  return used.length === 1 ? { ok: true, method: "recovery" } : { ok: false };
}

/** Replaces the user's recovery codes; only SHA-256 hashes are kept (the codes are random). */
async function newRecoveryCodes(tx: Tx, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const c = humanCode(10);
    return `${c.slice(0, 5)}-${c.slice(5)}`;
  });
  await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  await tx
    .insert(recoveryCodes)
    .values(codes.map((c) => ({ userId, codeHash: sha256Hex(normalizeRecovery(c)) })));
  return codes;
}

export async function hasConfirmedTotp(tx: Tx, userId: string): Promise<boolean> {
  const [cred] = await tx
    .select({ confirmedAt: totpCredentials.confirmedAt })
    .from(totpCredentials)
    .where(eq(totpCredentials.userId, userId));
  return Boolean(cred?.confirmedAt);
}

/**
 * Confirms an enrolment outside sign-in (a signed-in user adding a factor, or the demo seeding its
 * accounts); returns the recovery codes, shown only now.
 */
export async function confirmTotp({ ctx, input }: { ctx: AuthCtx; input: unknown }) {
  const i = parse(z.object({ userId: z.string().min(1), code: z.string().trim() }), input);
  if (ctx.actor && ctx.actor.id !== i.userId) throw new ForbiddenError();
  return withPlatform(ctx.db, async (tx) => {
    if (await hasConfirmedTotp(tx, i.userId)) {
      throw new ConflictError("A second factor is already enrolled");
    }
    const r = await checkSecondFactor(ctx, tx, i.userId, i.code);
    if (!r.ok || !r.recoveryCodes) throw invalidCredentials();
    await audit(ctx, tx, {
      action: "totp.confirm",
      result: "success",
      tenantId: null,
      objectType: "user",
      objectId: i.userId,
    });
    return { recoveryCodes: r.recoveryCodes };
  });
}

/** A security admin removes a lost second factor; the user enrols again at next sign-in. */
export async function resetTotp({ ctx, input }: { ctx: AuthCtx; input: unknown }) {
  const i = parse(
    z.object({ userId: z.string().min(1), tenantId: z.string().min(1).nullable().default(null) }),
    input,
  );
  requirePermission(ctx, accountsPermission(i.tenantId), i.tenantId);
  await withPlatform(ctx.db, async (tx) => {
    await requireManagedUser(tx, i.userId, i.tenantId);
    await tx.delete(totpCredentials).where(eq(totpCredentials.userId, i.userId));
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, i.userId));
    await sessionManager(ctx.db, clockOf(ctx), optionsOf(ctx)).invalidateUser(i.userId);
    await audit(ctx, tx, {
      action: "totp.reset",
      result: "success",
      tenantId: i.tenantId,
      objectType: "user",
      objectId: i.userId,
    });
  });
}
