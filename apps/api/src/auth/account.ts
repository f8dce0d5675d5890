import { NotFoundError } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import { platformSchema } from "@zhengyun/db";
import { withPlatform } from "@zhengyun/tenancy";
import { eq } from "drizzle-orm";

/**
 * What every signed-in account may do with itself (see its own profile, change its own password),
 * in the scope its roles live in: vendor staff on vendor routes, tenant staff and citizens on their
 * tenant's routes. API keys have no self. The role policy in @zhengyun/auth is about what a role may
 * do to others' data, so these are decided here, next to the routes that declare them.
 */
export const SELF_PERMISSIONS = {
  vendor: "platform.account:self",
  tenant: "account:self",
} as const;

export const isSelfPermission = (p: string): boolean =>
  p === SELF_PERMISSIONS.vendor || p === SELF_PERMISSIONS.tenant;

/** The signed-in user's own profile. */
export async function readAccount(db: Database, userId: string) {
  const u = await withPlatform(db, async (tx) => {
    const [row] = await tx
      .select({
        id: platformSchema.users.id,
        displayName: platformSchema.users.displayName,
        email: platformSchema.users.email,
        phone: platformSchema.users.phone,
      })
      .from(platformSchema.users)
      .where(eq(platformSchema.users.id, userId));
    return row;
  });
  if (!u) throw new NotFoundError("No such account");
  return u;
}
