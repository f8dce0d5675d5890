import { type Clock, slugProblem, systemClock } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import type { AppEnv } from "@zhengyun/http";
import { assertServable, findTenantByHost, findTenantBySlug, type Tenant } from "@zhengyun/tenancy";
import { createMiddleware } from "hono/factory";

/**
 * Tenant lookups cached per process for at most TTL_MS. Every tenant request would otherwise start
 * with a control-plane query; 2 s bounds how long a suspension or a new domain takes to show.
 * Misses are cached too, so probing unknown slugs cannot hammer the database.
 */
export const TENANT_CACHE_TTL_MS = 2_000;
const MAX_ENTRIES = 5_000;

export class TenantCache {
  readonly #entries = new Map<string, { tenant: Tenant | undefined; at: number }>();
  constructor(
    private readonly db: Database,
    private readonly clock: Clock = systemClock,
  ) {}

  bySlug(slug: string): Promise<Tenant | undefined> {
    return this.#get(`s:${slug}`, () => findTenantBySlug(this.db, slug));
  }

  byHost(host: string): Promise<Tenant | undefined> {
    return this.#get(`h:${host}`, () => findTenantByHost(this.db, host));
  }

  async #get(key: string, load: () => Promise<Tenant | undefined>) {
    const now = this.clock.now().getTime();
    const hit = this.#entries.get(key);
    if (hit && now - hit.at < TENANT_CACHE_TTL_MS) return hit.tenant;
    const tenant = await load();
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
    this.#entries.set(key, { tenant, at: now });
    return tenant;
  }
}

/** `/t/:tenant/*`: resolve by slug; unknown, malformed or offboarded → 404, suspended → 423. */
export function resolveTenantByPath(cache: TenantCache) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const slug = c.req.param("tenant") ?? "";
    // A malformed slug cannot name a tenant: answer 404 without asking the database.
    const tenant = slugProblem(slug) ? undefined : await cache.bySlug(slug);
    c.set("tenant", assertServable(tenant, slug));
    await next();
  });
}

/** Paths served the same on every host: probes, the API description, problem pages. */
const GLOBAL_PATH = /^\/(?:healthz|readyz|problems\/|api\/openapi\.json|api\/docs|t\/)/;
const NOT_A_TENANT_HOST = /^(?:localhost|127\.\d+\.\d+\.\d+|\[[0-9a-f:]+\]|\d+\.\d+\.\d+\.\d+)$/i;

/**
 * A tenant's own domain serves its `/t/<slug>` surface at the root: the request is rewritten to the
 * path form before routing, so every tenant route and guard is defined once. The vendor host
 * (PUBLIC_URL), loopback and IP addresses are never looked up.
 */
export function hostRewriter(cache: TenantCache, publicUrl: string | undefined) {
  const vendorHost = publicUrl ? new URL(publicUrl).hostname.toLowerCase() : undefined;
  return async (req: Request): Promise<Request> => {
    const url = new URL(req.url);
    const host = url.hostname.toLowerCase();
    if (GLOBAL_PATH.test(url.pathname) || host === vendorHost || NOT_A_TENANT_HOST.test(host)) {
      return req;
    }
    const tenant = await cache.byHost(host);
    if (!tenant) return req;
    url.pathname = `/t/${tenant.slug}${url.pathname === "/" ? "/" : url.pathname}`;
    return new Request(url, req);
  };
}
