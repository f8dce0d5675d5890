import { z } from "@hono/zod-openapi";
import { tenantChangeAudit } from "@zhengyun/audit";
import { NotFoundError } from "@zhengyun/core";
import type { AppEnv } from "@zhengyun/http";
import { type App, defineRoute } from "@zhengyun/http";
import {
  findTenantBySlug,
  listTenants,
  resumeTenant,
  suspendTenant,
  type Tenant,
  type TenantChangeHook,
} from "@zhengyun/tenancy";
import type { Context } from "hono";
import { tenantSchema } from "../vendor/create-tenant.ts";
import { principalOf, requestMeta } from "./context.ts";

export const slugParams = z.object({ slug: z.string().min(1).max(64) });
export const tenantList = z.object({ items: z.array(tenantSchema) }).openapi("TenantList");

const view = (t: Tenant) =>
  tenantSchema.parse({
    id: t.id,
    slug: t.slug,
    name: t.name,
    level: t.level,
    status: t.status,
    createdAt: t.createdAt.toISOString(),
  });
const ok = { description: "the tenant", content: { "application/json": { schema: tenantSchema } } };

export const listTenantsRoute = defineRoute({
  method: "get",
  path: "/api/v1/tenants",
  permission: "platform.tenants:read",
  tags: ["vendor"],
  summary: "List tenants",
  responses: {
    200: { description: "tenants", content: { "application/json": { schema: tenantList } } },
  },
});

export const getTenantRoute = defineRoute({
  method: "get",
  path: "/api/v1/tenants/{slug}",
  permission: "platform.tenants:read",
  tags: ["vendor"],
  summary: "One tenant",
  request: { params: slugParams },
  responses: { 200: ok },
});

const lifecycleRoute = (verb: "suspend" | "resume") =>
  defineRoute({
    method: "post",
    path: `/api/v1/tenants/{slug}/${verb}`,
    permission: "platform.tenants:manage",
    tags: ["vendor"],
    summary:
      verb === "suspend"
        ? "Suspend a tenant (its routes answer 423; data kept)"
        : "Resume a tenant",
    request: { params: slugParams },
    responses: { 200: ok },
  });
export const suspendTenantRoute = lifecycleRoute("suspend");
export const resumeTenantRoute = lifecycleRoute("resume");

async function findLive(c: Context<AppEnv>, slug: string): Promise<Tenant> {
  const t = await findTenantBySlug(c.var.deps.db, slug);
  if (!t || t.status === "offboarded" || t.status === "provisioning") {
    throw new NotFoundError(`No tenant "${slug}"`);
  }
  return t;
}

/** The operator's change and its vendor-chain record commit together. */
export function auditChange(c: Context<AppEnv>, action: string): TenantChangeHook {
  return tenantChangeAudit(action, principalOf(c), requestMeta(c));
}

export function registerTenantAdmin(app: App): void {
  app.openapi(listTenantsRoute, async (c) => {
    const rows = await listTenants(c.var.deps.db);
    return c.json({ items: rows.filter((t) => t.status !== "provisioning").map(view) }, 200);
  });
  app.openapi(getTenantRoute, async (c) =>
    c.json(view(await findLive(c, c.req.valid("param").slug)), 200),
  );
  app.openapi(suspendTenantRoute, async (c) => {
    const { slug } = c.req.valid("param");
    const now = c.var.deps.clock?.now() ?? new Date();
    const t = await suspendTenant(c.var.deps.db, slug, now, auditChange(c, "tenant.suspend"));
    return c.json(view(t), 200);
  });
  app.openapi(resumeTenantRoute, async (c) => {
    const { slug } = c.req.valid("param");
    const now = c.var.deps.clock?.now() ?? new Date();
    const t = await resumeTenant(c.var.deps.db, slug, now, auditChange(c, "tenant.resume"));
    return c.json(view(t), 200);
  });
}
