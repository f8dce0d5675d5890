import { ConflictError, NotFoundError, newId, ValidationError } from "@zhengyun/core";
import type { Tx } from "@zhengyun/db";
import {
  memberships,
  passwordCredentials,
  type RoleId,
  roleIds,
  type User,
  users,
  vendorRoles,
} from "@zhengyun/db/platform";
import { withPlatform } from "@zhengyun/tenancy";
import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { type AuthCtx, audit, clockOf, optionsOf, requirePermission } from "./context.ts";
import { normalizeLogin, parse } from "./input.ts";
import { assertPasswordPolicy, defaultPasswordPolicy, hashPassword } from "./password.ts";
import { sessionManager } from "./sessions.ts";

const roleSchema = z.enum(roleIds);
const isVendorRole = (r: RoleId) => (vendorRoles as readonly string[]).includes(r);

/** Vendor roles carry no tenant; every other role (citizen included) needs one. */
function checkRoleScope(role: RoleId, tenantId: string | null): void {
  if (isVendorRole(role) !== (tenantId === null)) {
    throw new ValidationError(
      isVendorRole(role) ? `${role} is a vendor role` : `${role} needs a tenant`,
      [{ path: "tenantId", message: "role and tenant do not match" }],
    );
  }
}

export const accountsPermission = (tenantId: string | null) =>
  tenantId === null ? "platform.accounts:manage" : "tenant.accounts:manage";

const createUserInput = z.object({
  login: z.string(),
  /** Defaults to the login; people can change it later. */
  displayName: z.string().trim().min(1).max(100).optional(),
  password: z.string().optional(),
  role: roleSchema.optional(),
  tenantId: z.string().min(1).nullable().default(null),
});

export async function createUser({ ctx, input }: { ctx: AuthCtx; input: unknown }): Promise<User> {
  const i = parse(createUserInput, input);
  const login = normalizeLogin(i.login);
  if (!login)
    throw new ValidationError("Invalid login", [{ path: "login", message: "email or phone" }]);
  if (i.role) checkRoleScope(i.role, i.tenantId);
  requirePermission(ctx, accountsPermission(i.tenantId), i.tenantId);
  if (i.password !== undefined) assertPasswordPolicy(i.password, policyFor(ctx, i.tenantId));
  const hash = i.password === undefined ? undefined : await hashPassword(i.password);
  const now = clockOf(ctx).now();
  return withPlatform(ctx.db, async (tx) => {
    const existing = await findUserByLogin(tx, login);
    if (existing) throw new ConflictError("An account with this login already exists");
    const [user] = await tx
      .insert(users)
      .values({
        id: newId("usr"),
        ...login,
        displayName: i.displayName ?? i.login.trim(),
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!user) throw new Error("insert returned nothing");
    if (hash)
      await tx.insert(passwordCredentials).values({ userId: user.id, hash, changedAt: now });
    if (i.role) await insertMembership(ctx, tx, user.id, i.role, i.tenantId);
    await audit(ctx, tx, {
      action: "user.create",
      result: "success",
      tenantId: i.tenantId,
      objectType: "user",
      objectId: user.id,
    });
    return user;
  });
}

export async function findUserByLogin(tx: Tx, login: { email: string } | { phone: string }) {
  const cond = "email" in login ? eq(users.email, login.email) : eq(users.phone, login.phone);
  const [u] = await tx.select().from(users).where(cond);
  return u;
}

export function policyFor(ctx: AuthCtx, tenantId: string | null) {
  return { ...defaultPasswordPolicy, ...optionsOf(ctx).passwordPolicy?.(tenantId) };
}

async function insertMembership(
  ctx: AuthCtx,
  tx: Tx,
  userId: string,
  role: RoleId,
  tenantId: string | null,
) {
  await tx
    .insert(memberships)
    .values({ id: newId("mem"), userId, role, tenantId, createdBy: ctx.actor?.id ?? null })
    .onConflictDoNothing();
}

const roleInput = z.object({
  userId: z.string().min(1),
  role: roleSchema,
  tenantId: z.string().min(1).nullable().default(null),
});

/** Role changes end the user's sessions: the next sign-in picks up the new roles. */
export async function assignRole({ ctx, input }: { ctx: AuthCtx; input: unknown }): Promise<void> {
  const i = parse(roleInput, input);
  checkRoleScope(i.role, i.tenantId);
  requirePermission(ctx, accountsPermission(i.tenantId), i.tenantId);
  await withPlatform(ctx.db, async (tx) => {
    await requireUser(tx, i.userId);
    await insertMembership(ctx, tx, i.userId, i.role, i.tenantId);
    await sessionManager(ctx.db, clockOf(ctx), optionsOf(ctx)).invalidateUser(i.userId);
    await audit(ctx, tx, {
      action: "role.assign",
      result: "success",
      tenantId: i.tenantId,
      objectType: "user",
      objectId: i.userId,
      data: { role: i.role },
    });
  });
}

export async function revokeRole({ ctx, input }: { ctx: AuthCtx; input: unknown }): Promise<void> {
  const i = parse(roleInput, input);
  requirePermission(ctx, accountsPermission(i.tenantId), i.tenantId);
  await withPlatform(ctx.db, async (tx) => {
    const gone = await tx
      .delete(memberships)
      .where(
        and(
          eq(memberships.userId, i.userId),
          eq(memberships.role, i.role),
          i.tenantId === null ? isNull(memberships.tenantId) : eq(memberships.tenantId, i.tenantId),
        ),
      )
      .returning({ id: memberships.id });
    if (gone.length === 0) throw new NotFoundError("No such role assignment");
    await sessionManager(ctx.db, clockOf(ctx), optionsOf(ctx)).invalidateUser(i.userId);
    await audit(ctx, tx, {
      action: "role.revoke",
      result: "success",
      tenantId: i.tenantId,
      objectType: "user",
      objectId: i.userId,
      data: { role: i.role },
    });
  });
}

export async function requireUser(tx: Tx, userId: string): Promise<User> {
  const [u] = await tx.select().from(users).where(eq(users.id, userId));
  if (!u) throw new NotFoundError("No such user");
  return u;
}

/** Tenants in which the user holds any role: a tenant security admin manages only those users. */
export async function userTenantIds(tx: Tx, userId: string): Promise<(string | null)[]> {
  const rows = await tx
    .select({ tenantId: memberships.tenantId })
    .from(memberships)
    .where(eq(memberships.userId, userId));
  return [...new Set(rows.map((r) => r.tenantId))];
}

/** The roles a user holds in one tenant (or at the vendor, for null). */
export async function rolesIn(tx: Tx, userId: string, tenantId: string | null): Promise<RoleId[]> {
  const rows = await tx
    .select({ role: memberships.role })
    .from(memberships)
    .where(
      and(
        eq(memberships.userId, userId),
        tenantId === null ? isNull(memberships.tenantId) : eq(memberships.tenantId, tenantId),
      ),
    );
  return rows.map((r) => r.role);
}

/** A tenant security admin may manage only users who belong to that tenant. */
export async function requireManagedUser(tx: Tx, userId: string, tenantId: string | null) {
  const user = await requireUser(tx, userId);
  if (tenantId !== null && !(await userTenantIds(tx, userId)).includes(tenantId)) {
    throw new NotFoundError("No such user");
  }
  return user;
}
