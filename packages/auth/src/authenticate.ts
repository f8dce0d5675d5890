import type { Database } from "@zhengyun/db";
import { memberships } from "@zhengyun/db/platform";
import { withPlatform } from "@zhengyun/tenancy";
import { and, eq, isNull } from "drizzle-orm";
import { verifyApiKey } from "./api-keys.ts";
import type { Principal } from "./authorize.ts";
import { type AuthCtx, clockOf, optionsOf } from "./context.ts";
import { sessionManager } from "./sessions.ts";
import { activeGrants } from "./support.ts";

async function roleRows(db: Database, userId: string, tenantId: string | null) {
  return withPlatform(db, (tx) =>
    tx
      .select({ role: memberships.role })
      .from(memberships)
      .where(
        and(
          eq(memberships.userId, userId),
          tenantId === null ? isNull(memberships.tenantId) : eq(memberships.tenantId, tenantId),
        ),
      ),
  );
}

/**
 * The principal behind a session token, as seen from `urlTenantId` (null on vendor routes).
 * Staff carry the roles of the tenant (or vendor) they signed in to; vendor staff on a tenant's
 * route also carry their support grants in force there; a citizen acts in the URL's tenant only
 * where registered. Pending (second factor not yet given) and expired sessions give nothing.
 */
export async function principalFromSession(
  ctx: AuthCtx,
  token: string,
  urlTenantId: string | null,
): Promise<Principal | undefined> {
  const s = await sessionManager(ctx.db, clockOf(ctx), optionsOf(ctx)).validate(token);
  if (!s || s.pending) return undefined;
  if (s.kind === "citizen") {
    const tenantId = urlTenantId;
    const registered =
      tenantId !== null &&
      (await roleRows(ctx.db, s.userId, tenantId)).some((r) => r.role === "citizen");
    return {
      kind: "citizen",
      id: s.userId,
      tenantId: registered ? tenantId : null,
      roles: registered ? ["citizen"] : [],
      scopes: [],
    };
  }
  const roles = (await roleRows(ctx.db, s.userId, s.tenantId))
    .map((r) => r.role)
    .filter((r) => r !== "citizen");
  const principal: Principal = {
    kind: "staff",
    id: s.userId,
    tenantId: s.tenantId,
    roles,
    scopes: [],
  };
  if (s.tenantId === null && urlTenantId !== null) {
    const now = clockOf(ctx).now();
    principal.grants = await withPlatform(ctx.db, (tx) =>
      activeGrants(tx, s.userId, urlTenantId, now),
    );
  }
  return principal;
}

/** The principal behind an `Authorization: Bearer zy_...` API key, if valid. */
export const principalFromApiKey = (ctx: AuthCtx, key: string): Promise<Principal | undefined> =>
  verifyApiKey({ ctx, input: { key } });
