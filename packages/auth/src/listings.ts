import { memberships, type SupportGrant, supportGrants, users } from "@zhengyun/db/platform";
import { withPlatform } from "@zhengyun/tenancy";
import { and, asc, desc, eq, inArray, isNull, ne } from "drizzle-orm";
import { z } from "zod";
import { type AuthCtx, requirePermission } from "./context.ts";
import { parse } from "./input.ts";
import { accountsPermission } from "./users.ts";

export interface StaffAccount {
  id: string;
  email: string | null;
  phone: string | null;
  displayName: string;
  status: "active" | "disabled";
  /** Roles held in the listed tenant (or at the vendor). */
  roles: string[];
  createdAt: Date;
}

/**
 * The staff accounts of one tenant (or the vendor's, for null), for its security admin: users with
 * a non-citizen role there, with those roles. Citizens are not staff and are not listed.
 */
export async function listStaff({
  ctx,
  input,
}: {
  ctx: AuthCtx;
  input: unknown;
}): Promise<StaffAccount[]> {
  const i = parse(z.object({ tenantId: z.string().min(1).nullable().default(null) }), input);
  requirePermission(ctx, accountsPermission(i.tenantId), i.tenantId);
  const rows = await withPlatform(ctx.db, (tx) =>
    tx
      .select({ user: users, role: memberships.role })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(
        and(
          i.tenantId === null ? isNull(memberships.tenantId) : eq(memberships.tenantId, i.tenantId),
          ne(memberships.role, "citizen"),
        ),
      )
      .orderBy(asc(users.createdAt), asc(users.id)),
  );
  const byId = new Map<string, StaffAccount>();
  for (const { user: u, role } of rows) {
    const a = byId.get(u.id) ?? {
      id: u.id,
      email: u.email,
      phone: u.phone,
      displayName: u.displayName,
      status: u.status,
      roles: [],
      createdAt: u.createdAt,
    };
    a.roles.push(role);
    byId.set(u.id, a);
  }
  return [...byId.values()];
}

/** A tenant's support-access requests and grants, newest first, for its tenant admin. */
export async function listSupportGrants({
  ctx,
  input,
}: {
  ctx: AuthCtx;
  input: unknown;
}): Promise<SupportGrant[]> {
  const i = parse(
    z.object({
      tenantId: z.string().min(1),
      status: z.array(z.enum(["requested", "approved", "rejected", "revoked"])).optional(),
    }),
    input,
  );
  requirePermission(ctx, "tenant.support:approve", i.tenantId);
  return withPlatform(ctx.db, (tx) =>
    tx
      .select()
      .from(supportGrants)
      .where(
        and(
          eq(supportGrants.tenantId, i.tenantId),
          i.status?.length ? inArray(supportGrants.status, i.status) : undefined,
        ),
      )
      .orderBy(desc(supportGrants.createdAt), desc(supportGrants.id)),
  );
}
