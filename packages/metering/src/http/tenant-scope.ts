import { systemClock } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import type { AppEnv } from "@zhengyun/http";
import { assertServable, findTenantById, findTenantBySlug, type Tenant } from "@zhengyun/tenancy";
import { createMiddleware } from "hono/factory";

/*
 * The usage routes live outside /t/{tenant}; these name the tenant they act on, so the route's
 * declared permission is checked against it exactly as on a tenant path (another tenant's
 * credential or an unknown tenant → 404, suspended → 423).
 */

/**
 * Like the app's tenant cache for /t/{slug} paths (apps/api TENANT_CACHE_TTL_MS): a sender posts
 * batches back to back, and each would otherwise start with a control-plane lookup. A suspension
 * shows within this long, as on tenant paths.
 */
const TTL_MS = 2_000;
const MAX_ENTRIES = 5_000;
const byId = new WeakMap<Database, Map<string, { tenant: Tenant | undefined; at: number }>>();

async function cachedTenant(db: Database, id: string, now: number): Promise<Tenant | undefined> {
  let entries = byId.get(db);
  if (!entries) {
    entries = new Map();
    byId.set(db, entries);
  }
  const hit = entries.get(id);
  if (hit && now - hit.at < TTL_MS) return hit.tenant;
  const tenant = await findTenantById(db, id);
  if (entries.size >= MAX_ENTRIES) entries.clear();
  entries.set(id, { tenant, at: now });
  return tenant;
}

/** POST /api/v1/usage/events acts on the API key's own tenant. */
export const credentialTenant = createMiddleware<AppEnv>(async (c, next) => {
  const principal = await c.var.deps.authenticator?.authenticate(c);
  if (principal) {
    c.set("principal", principal);
    if (principal.tenantId !== null) {
      const now = (c.var.deps.clock ?? systemClock).now().getTime();
      const tenant = await cachedTenant(c.var.deps.db, principal.tenantId, now);
      c.set("tenant", assertServable(tenant, principal.tenantId));
    }
  }
  await next();
});

/** GET /api/v1/usage acts on the tenant named by `?tenant=<slug>`. */
export const queryTenant = createMiddleware<AppEnv>(async (c, next) => {
  const slug = c.req.query("tenant");
  if (slug !== undefined) {
    c.set("tenant", assertServable(await findTenantBySlug(c.var.deps.db, slug), slug));
  }
  await next();
});
