import { chainAuditHook, writeAudit } from "@zhengyun/audit";
import {
  type AuthCtx,
  type AuthOptions,
  type Principal as AuthPrincipal,
  authenticateRequest,
  authOptionsFrom,
  authorize,
  createRateLimiter,
  defaultAuthOptions,
  type Permission,
  principalFromSession,
  type RateLimiter,
  readSessionCookie,
  sessionManager,
} from "@zhengyun/auth";
import { type Clock, type Config, systemClock } from "@zhengyun/core";
import type { AppEnv, Authenticator, Principal } from "@zhengyun/http";
import { withPlatform, withTenant } from "@zhengyun/tenancy";
import type { Context } from "hono";
import { isSelfPermission, SELF_PERMISSIONS } from "./account.ts";
import { BEARER, clientIp, isSecure } from "./client.ts";
import { TokenBuckets } from "./rate-limit.ts";
import { SessionCache } from "./session-cache.ts";

export interface IdentityOptions {
  config: Config;
  clock?: Clock;
  /** The runtime's session secret: seals TOTP seeds at rest. */
  secretKey?: string;
  /** Overrides of the identity defaults (tests shorten nothing; config sets citizen limits). */
  options?: Partial<AuthOptions>;
}

/** What the HTTP side of identity shares between the authenticator and the /auth routes. */
export interface Identity {
  config: Config;
  clock: Clock;
  authenticator: Authenticator;
  /** The identity verbs' context for this request: clock, limiter, audit hook, IP, UA, request id. */
  ctx(c: Context<AppEnv>): AuthCtx;
  secure(c: Context<AppEnv>): boolean;
  /** Sign-out and password changes evict cached sessions at once. */
  forgetSession(token: string): void;
  forgetUser(userId: string): void;
}

export function createIdentity(opts: IdentityOptions): Identity {
  const { config } = opts;
  const clock = opts.clock ?? systemClock;
  const options = { ...authOptionsFrom(config), ...opts.options };
  const signInLimiter: RateLimiter = createRateLimiter({
    limit: config.SIGN_IN_PER_IP_PER_MIN,
    windowMs: 60_000,
    clock,
  });
  const keyBuckets = new TokenBuckets(
    config.RATE_LIMIT_API_KEY_PER_SEC,
    config.RATE_LIMIT_API_KEY_BURST,
    clock,
  );

  const ctx = (c: Context<AppEnv>): AuthCtx => {
    const ip = clientIp(c, config);
    const userAgent = c.req.header("user-agent");
    return {
      db: c.var.deps.db,
      clock,
      options,
      signInLimiter,
      audit: chainAuditHook(c.var.deps.db, c.var.tenant),
      requestId: c.var.requestId,
      ...(opts.secretKey ? { secretKey: opts.secretKey } : {}),
      ...(ip ? { ip } : {}),
      ...(userAgent ? { userAgent } : {}),
    };
  };
  const secure = (c: Context<AppEnv>) => isSecure(c, config);
  const fullOptions = { ...defaultAuthOptions, ...options };
  // Never longer than the touch interval: an active session's idle limit keeps sliding.
  const sessions = new SessionCache(
    Math.min(
      config.SESSION_CACHE_MS ?? (config.NODE_ENV === "test" ? 0 : 1000),
      fullOptions.sessionTouchMs,
    ),
    clock,
  );

  // API keys are reused as briefly as sessions: machine senders (terminals posting usage batches)
  // present the same key back to back. A revocation shows within the same TTL.
  const apiKeys = new SessionCache(Math.min(sessions.ttlMs, fullOptions.apiKeyTouchMs), clock);
  const NEVER = new Date(8.64e15);

  /** The session's principal, from the cache or from one control-plane transaction. */
  const cachedSession = async (actx: AuthCtx, token: string, tenantId: string | null) => {
    const hit = sessions.get(token, tenantId);
    if (hit) return hit;
    return withPlatform(actx.db, async () => {
      const s = await sessionManager(actx.db, clock, fullOptions).validate(token);
      if (!s || s.pending) return undefined;
      const principal = await principalFromSession(actx, token, tenantId);
      if (!principal) return undefined;
      const limit = Math.min(s.idleExpiresAt.getTime(), s.absoluteExpiresAt.getTime());
      sessions.set(token, tenantId, principal, new Date(limit));
      return principal;
    });
  };

  const authenticator: Authenticator = {
    async authenticate(c) {
      const tenantId = c.var.tenant?.id ?? null;
      const authorization = c.req.header("authorization");
      if (sessions.enabled && !BEARER.test(authorization ?? "")) {
        const token = readSessionCookie(c.req.header("cookie"), secure(c));
        return token ? cachedSession(ctx(c), token, tenantId) : undefined;
      }
      const key = apiKeys.enabled ? BEARER.exec(authorization ?? "")?.[1] : undefined;
      const hit = key === undefined ? undefined : apiKeys.get(key, null);
      if (hit) {
        keyBuckets.take(hit.id);
        return hit;
      }
      const got = await authenticateRequest(ctx(c), {
        cookie: c.req.header("cookie"),
        authorization,
        secure: secure(c),
        tenantId,
      });
      if (!got) return undefined;
      if (got.via === "apikey") {
        if (key !== undefined) apiKeys.set(key, null, got.principal, NEVER);
        keyBuckets.take(got.principal.id);
      }
      return got.principal;
    },
    authorize(principal, permission, tenant) {
      if (isSelfPermission(permission)) return holdsSelf(principal, permission, tenant?.id);
      return authorize(
        principal as AuthPrincipal,
        permission as Permission,
        tenant ?? null,
        clock.now(),
      );
    },
    async onAuthorized(c, principal, permission, tenant) {
      // Vendor staff allowed on a tenant's route got there through a support grant: the tenant's
      // own log records every such access before it happens (a failed write refuses it).
      if (!tenant || principal.kind !== "staff" || principal.tenantId !== null) return;
      const grants = ((principal as AuthPrincipal).grants ?? []).filter(
        (g) => g.tenantId === tenant.id && g.scope.includes(permission),
      );
      const ip = clientIp(c, config);
      await withTenant(c.var.deps.db, tenant, (tx) =>
        writeAudit(tx, {
          action: "support.access",
          actorId: principal.id,
          actorRole: principal.roles.join(",") || null,
          tenantId: tenant.id,
          objectType: "support_grant",
          objectId: grants.map((g) => g.id).join(",") || null,
          ip: ip ?? null,
          userAgent: c.req.header("user-agent") ?? null,
          requestId: c.var.requestId,
          data: { method: c.req.method, path: c.req.path, permission },
        }),
      );
    },
  };
  return {
    config,
    clock,
    authenticator,
    ctx,
    secure,
    forgetSession: (token) => sessions.forgetToken(token),
    forgetUser: (userId) => sessions.forgetUser(userId),
  };
}

/** A signed-in account acting in its own scope: vendor staff on vendor routes, others in their tenant. */
function holdsSelf(p: Principal, permission: string, tenantId: string | undefined): boolean {
  if (p.kind === "apikey" || p.roles.length === 0) return false;
  if (permission === SELF_PERMISSIONS.vendor) return p.kind === "staff" && p.tenantId === null;
  return tenantId !== undefined && p.tenantId === tenantId;
}
