import { type Clock, LimitExceededError, systemClock } from "@zhengyun/core";
import type { AppDeps, AppEnv } from "@zhengyun/http";
import { createMiddleware } from "hono/factory";
import { clientIp } from "./client.ts";

const MAX_KEYS = 10_000;

/**
 * Token buckets in this process's memory: `perSec` sustained, `burst` at once, per key. Several
 * replicas each enforce the limit on their own share of traffic, so the effective limit scales with
 * the replica count; that is acceptable because these limits protect capacity (and other tenants),
 * not a contract, and sign-in guessing is bounded in the database by the lockout.
 */
export class TokenBuckets {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    readonly perSec: number,
    readonly burst: number,
    readonly clock: Clock = systemClock,
  ) {}

  /** Takes one token for `key`; throws LimitExceededError (429, Retry-After) when none is left. */
  take(key: string): void {
    const now = this.clock.now().getTime();
    if (this.#buckets.size >= MAX_KEYS) this.#prune(now);
    const b = this.#buckets.get(key) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + (Math.max(0, now - b.at) / 1000) * this.perSec);
    b.at = now;
    this.#buckets.set(key, b);
    if (b.tokens < 1) {
      throw new LimitExceededError(
        "Too many requests",
        Math.max(1, Math.ceil((1 - b.tokens) / this.perSec)),
      );
    }
    b.tokens -= 1;
  }

  /** Drops buckets that have refilled: they hold no state worth keeping. */
  #prune(now: number): void {
    for (const [k, b] of this.#buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.perSec >= this.burst) this.#buckets.delete(k);
    }
  }
}

/** Per client IP, before any other work (the IP is unknown only for in-process test requests). */
export function limitPerIp(deps: AppDeps) {
  const c0 = deps.config;
  const buckets = new TokenBuckets(c0.RATE_LIMIT_IP_PER_SEC, c0.RATE_LIMIT_IP_BURST, deps.clock);
  return createMiddleware<AppEnv>(async (c, next) => {
    const ip = clientIp(c, deps.config);
    if (ip) buckets.take(ip);
    await next();
  });
}

/** Per tenant, after the tenant is resolved. */
export function limitPerTenant(deps: AppDeps) {
  const c0 = deps.config;
  const buckets = new TokenBuckets(
    c0.RATE_LIMIT_TENANT_PER_SEC,
    c0.RATE_LIMIT_TENANT_BURST,
    deps.clock,
  );
  return createMiddleware<AppEnv>(async (c, next) => {
    const tenant = c.var.tenant;
    if (tenant) buckets.take(tenant.id);
    await next();
  });
}
