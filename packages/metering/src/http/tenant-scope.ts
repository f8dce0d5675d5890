import type { AppEnv } from "@zhengyun/http";
import { assertServable, findTenantById, findTenantBySlug } from "@zhengyun/tenancy";
import { createMiddleware } from "hono/factory";

/*
 * The usage routes live outside /t/{tenant}; these name the tenant they act on, so the route's
 * declared permission is checked against it exactly as on a tenant path (another tenant's
 * credential or an unknown tenant → 404, suspended → 423).
 */

/** POST /api/v1/usage/events acts on the API key's own tenant. */
export const credentialTenant = createMiddleware<AppEnv>(async (c, next) => {
  const principal = await c.var.deps.authenticator?.authenticate(c);
  if (principal) {
    c.set("principal", principal);
    if (principal.tenantId !== null) {
      const tenant = await findTenantById(c.var.deps.db, principal.tenantId);
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
