import { type Clock, ForbiddenError, systemClock } from "@zhengyun/core";
import type { Database, Tx } from "@zhengyun/db";
import { authorize, type Principal } from "./authorize.ts";
import type { PasswordPolicy } from "./password.ts";
import type { Permission } from "./permissions.ts";
import type { RateLimiter } from "./rate-limit.ts";

/** One audit record as identity verbs describe it; packages/audit decides where and how it lands. */
export interface AuthAuditEvent {
  action: string;
  result: "success" | "failure";
  actorId: string | null;
  actorRole: string | null;
  tenantId: string | null;
  objectType?: string;
  objectId?: string;
  data?: Record<string, unknown>;
  ip?: string;
  userAgent?: string;
  requestId?: string;
}

/**
 * Called inside the verb's control-plane transaction, so a failing audit write fails the action.
 * Sign-in failures are recorded too (in the transaction that counts the failure).
 */
export type AuditHook = (tx: Tx, event: AuthAuditEvent) => Promise<void>;

export interface SessionLimits {
  idleMs: number;
  absoluteMs: number;
}

export interface AuthOptions {
  staffSession: SessionLimits;
  citizenSession: SessionLimits;
  /** A password-verified session waiting for its second factor lives this long. */
  pendingSessionMs: number;
  /** Idle expiry slides only when the session was last seen this long ago (saves a write per request). */
  sessionTouchMs: number;
  maxFailures: number;
  lockoutMs: number;
  apiKeyTouchMs: number;
  /** Per-tenant password policy (null = vendor staff); defaults apply where it returns nothing. */
  passwordPolicy?: (tenantId: string | null) => Partial<PasswordPolicy> | undefined;
}

export const defaultAuthOptions: AuthOptions = {
  staffSession: { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 },
  citizenSession: { idleMs: 60 * 60_000, absoluteMs: 24 * 3_600_000 },
  pendingSessionMs: 5 * 60_000,
  sessionTouchMs: 60_000,
  maxFailures: 5,
  lockoutMs: 15 * 60_000,
  apiKeyTouchMs: 60_000,
};

export interface AuthCtx {
  db: Database;
  clock?: Clock;
  /** Absent for trusted callers (CLI, demo seeding); present for request work, and then checked. */
  actor?: Principal;
  audit?: AuditHook;
  options?: Partial<AuthOptions>;
  /** Per-IP sign-in limiter; the caller keeps one per process. */
  signInLimiter?: RateLimiter;
  /** Seals TOTP seeds at rest (the runtime passes its session secret); tests may leave it out. */
  secretKey?: string;
  ip?: string;
  userAgent?: string;
  requestId?: string;
}

export const clockOf = (ctx: AuthCtx): Clock => ctx.clock ?? systemClock;
export const optionsOf = (ctx: AuthCtx): AuthOptions => ({ ...defaultAuthOptions, ...ctx.options });

/** Verbs call this first: a present actor must hold the permission (in the tenant, if any). */
export function requirePermission(ctx: AuthCtx, permission: Permission, tenantId: string | null) {
  if (!ctx.actor) return;
  if (!authorize(ctx.actor, permission, tenantId, clockOf(ctx).now())) {
    throw new ForbiddenError();
  }
}

export async function audit(
  ctx: AuthCtx,
  tx: Tx,
  e: Omit<AuthAuditEvent, "actorId" | "actorRole" | "ip" | "userAgent" | "requestId"> & {
    actorId?: string | null;
  },
): Promise<void> {
  if (!ctx.audit) return;
  const { ip, userAgent, requestId } = ctx;
  await ctx.audit(tx, {
    ...e,
    actorId: e.actorId ?? ctx.actor?.id ?? null,
    actorRole: ctx.actor?.roles.join(",") || null,
    ...(ip ? { ip } : {}),
    ...(userAgent ? { userAgent } : {}),
    ...(requestId ? { requestId } : {}),
  });
}
