import { ForbiddenError } from "@zhengyun/core";
import type { Tx } from "@zhengyun/db";
import { passwordCredentials, users } from "@zhengyun/db/platform";
import { withPlatform } from "@zhengyun/tenancy";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { type AuthCtx, audit, clockOf, optionsOf, requirePermission } from "./context.ts";
import { invalidCredentials } from "./errors.ts";
import { parse } from "./input.ts";
import { assertPasswordPolicy, hashPassword, verifyPassword } from "./password.ts";
import { sessionManager } from "./sessions.ts";
import { accountsPermission, policyFor, requireManagedUser } from "./users.ts";

const targetInput = z.object({
  userId: z.string().min(1),
  /** The tenant whose security admin acts; null for vendor security admins. */
  tenantId: z.string().min(1).nullable().default(null),
});

async function storePassword(tx: Tx, userId: string, password: string, now: Date) {
  const hash = await hashPassword(password);
  await tx
    .insert(passwordCredentials)
    .values({ userId, hash, changedAt: now })
    .onConflictDoUpdate({ target: passwordCredentials.userId, set: { hash, changedAt: now } });
}

/** An administrator sets (or resets) a password; every session of the user ends. */
export async function setPassword({ ctx, input }: { ctx: AuthCtx; input: unknown }) {
  const i = parse(targetInput.extend({ password: z.string() }), input);
  requirePermission(ctx, accountsPermission(i.tenantId), i.tenantId);
  assertPasswordPolicy(i.password, policyFor(ctx, i.tenantId));
  await withPlatform(ctx.db, async (tx) => {
    await requireManagedUser(tx, i.userId, i.tenantId);
    await storePassword(tx, i.userId, i.password, clockOf(ctx).now());
    await sessionManager(ctx.db, clockOf(ctx), optionsOf(ctx)).invalidateUser(i.userId);
    await audit(ctx, tx, {
      action: "user.password.set",
      result: "success",
      tenantId: i.tenantId,
      objectType: "user",
      objectId: i.userId,
    });
  });
}

/** The user changes their own password, proving the current one; all their sessions end. */
export async function changePassword({ ctx, input }: { ctx: AuthCtx; input: unknown }) {
  const i = parse(
    z.object({
      userId: z.string().min(1),
      currentPassword: z.string(),
      newPassword: z.string(),
      tenantId: z.string().min(1).nullable().default(null),
    }),
    input,
  );
  if (ctx.actor && ctx.actor.id !== i.userId) throw new ForbiddenError();
  assertPasswordPolicy(i.newPassword, policyFor(ctx, i.tenantId));
  await withPlatform(ctx.db, async (tx) => {
    const [cred] = await tx
      .select()
      .from(passwordCredentials)
      .where(eq(passwordCredentials.userId, i.userId));
    if (!cred || !(await verifyPassword(cred.hash, i.currentPassword))) {
      throw invalidCredentials();
    }
    await storePassword(tx, i.userId, i.newPassword, clockOf(ctx).now());
    await sessionManager(ctx.db, clockOf(ctx), optionsOf(ctx)).invalidateUser(i.userId);
    await audit(ctx, tx, {
      action: "user.password.change",
      result: "success",
      tenantId: i.tenantId,
      objectType: "user",
      objectId: i.userId,
    });
  });
}

async function setStatus(ctx: AuthCtx, input: unknown, status: "active" | "disabled") {
  const i = parse(targetInput, input);
  requirePermission(ctx, accountsPermission(i.tenantId), i.tenantId);
  await withPlatform(ctx.db, async (tx) => {
    await requireManagedUser(tx, i.userId, i.tenantId);
    await tx
      .update(users)
      .set({ status, updatedAt: clockOf(ctx).now() })
      .where(eq(users.id, i.userId));
    if (status === "disabled") {
      await sessionManager(ctx.db, clockOf(ctx), optionsOf(ctx)).invalidateUser(i.userId);
    }
    await audit(ctx, tx, {
      action: `user.${status === "active" ? "enable" : "disable"}`,
      result: "success",
      tenantId: i.tenantId,
      objectType: "user",
      objectId: i.userId,
    });
  });
}

/** A disabled account cannot sign in and loses every session at once. */
export const disableUser = ({ ctx, input }: { ctx: AuthCtx; input: unknown }) =>
  setStatus(ctx, input, "disabled");
export const enableUser = ({ ctx, input }: { ctx: AuthCtx; input: unknown }) =>
  setStatus(ctx, input, "active");
