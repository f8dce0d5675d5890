import { withPlatform } from "@zhengyun/tenancy";
import { verifyApiKey } from "./api-keys.ts";
import type { Principal } from "./authorize.ts";
import { type AuthCtx, clockOf, optionsOf } from "./context.ts";
import { readSessionCookie } from "./cookies.ts";
import { sessionManager } from "./sessions.ts";
import { activeGrants } from "./support.ts";
import { rolesIn } from "./users.ts";

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
  // One transaction for the lookup, the touch, the roles and the grants (nested calls join it).
  return withPlatform(ctx.db, () => principalIn(ctx, token, urlTenantId));
}

async function principalIn(ctx: AuthCtx, token: string, urlTenantId: string | null) {
  const s = await sessionManager(ctx.db, clockOf(ctx), optionsOf(ctx)).validate(token);
  if (!s || s.pending) return undefined;
  if (s.kind === "citizen") {
    const tenantId = urlTenantId;
    const registered =
      tenantId !== null &&
      (await withPlatform(ctx.db, (tx) => rolesIn(tx, s.userId, tenantId))).includes("citizen");
    const citizen: Principal = {
      kind: "citizen",
      id: s.userId,
      tenantId: registered ? tenantId : null,
      roles: registered ? ["citizen"] : [],
      scopes: [],
    };
    return citizen;
  }
  const roles = (await withPlatform(ctx.db, (tx) => rolesIn(tx, s.userId, s.tenantId))).filter(
    (r) => r !== "citizen",
  );
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

export interface RequestCredentials {
  /** The Cookie header. */
  cookie?: string | undefined;
  /** The Authorization header. */
  authorization?: string | undefined;
  /** Served over https: decides the cookie's name (`__Host-` prefix). */
  secure: boolean;
  /** The tenant the URL names; null on vendor routes. */
  tenantId: string | null;
}

/**
 * What an HTTP Authenticator needs, without HTTP types: a bearer API key wins (and, if invalid,
 * never falls back to the cookie). `via` tells the caller whether an ambient credential (the
 * cookie) was used, which is what CSRF checks care about.
 */
export async function authenticateRequest(
  ctx: AuthCtx,
  req: RequestCredentials,
): Promise<{ principal: Principal; via: "session" | "apikey" } | undefined> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.authorization ?? "")?.[1];
  if (bearer) {
    const principal = await principalFromApiKey(ctx, bearer);
    return principal ? { principal, via: "apikey" } : undefined;
  }
  const token = readSessionCookie(req.cookie, req.secure);
  if (!token) return undefined;
  const principal = await principalFromSession(ctx, token, req.tenantId);
  return principal ? { principal, via: "session" } : undefined;
}
