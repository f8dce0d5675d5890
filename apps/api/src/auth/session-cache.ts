import type { Clock } from "@zhengyun/core";
import type { Principal } from "@zhengyun/http";

const MAX_ENTRIES = 10_000;

/**
 * Principals of recently validated sessions, per token and URL tenant, for at most `ttlMs` and never
 * past the session's idle or absolute limit as last read from the database, so expiry stays exact.
 * Saves the control-plane transaction on most authenticated requests. Sign-out and password changes
 * through this process evict at once; a revocation made elsewhere (another replica, the CLI, a role
 * change) shows within `ttlMs`, like a suspension through the tenant cache.
 */
export class SessionCache {
  readonly #entries = new Map<string, { principal: Principal; until: number }>();
  constructor(
    readonly ttlMs: number,
    readonly clock: Clock,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  get(token: string, tenantId: string | null): Principal | undefined {
    const key = `${token}|${tenantId ?? ""}`;
    const e = this.#entries.get(key);
    if (!e) return undefined;
    if (this.clock.now().getTime() >= e.until) {
      this.#entries.delete(key);
      return undefined;
    }
    return e.principal;
  }

  set(token: string, tenantId: string | null, principal: Principal, sessionLimit: Date): void {
    const now = this.clock.now().getTime();
    if (this.#entries.size >= MAX_ENTRIES) {
      for (const [k, e] of this.#entries) if (now >= e.until) this.#entries.delete(k);
      if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
    }
    const until = Math.min(now + this.ttlMs, sessionLimit.getTime());
    this.#entries.set(`${token}|${tenantId ?? ""}`, { principal, until });
  }

  forgetToken(token: string): void {
    for (const k of this.#entries.keys()) if (k.startsWith(`${token}|`)) this.#entries.delete(k);
  }

  forgetUser(userId: string): void {
    for (const [k, e] of this.#entries) if (e.principal.id === userId) this.#entries.delete(k);
  }
}
