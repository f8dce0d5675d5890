import { z } from "@hono/zod-openapi";
import { slugProblem } from "@zhengyun/core";
import { type App, defineRoute } from "@zhengyun/http";
import { createTenant } from "../../services/tenants.ts";
import { auditChange } from "../admin/tenants.ts";

export const createTenantBody = z
  .object({
    slug: z
      .string()
      .superRefine((s, ctx) => {
        const problem = slugProblem(s);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .openapi({ example: "dongcheng" }),
    name: z.string().trim().min(1).max(100).openapi({ example: "北京市东城区" }),
    level: z.enum(["city", "district", "street"]),
    parentSlug: z.string().optional(),
    domains: z.array(z.string().min(1).max(253)).max(20).optional(),
  })
  .openapi("CreateTenant");
export type CreateTenantBody = z.infer<typeof createTenantBody>;

export const tenantSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    level: z.enum(["city", "district", "street"]),
    status: z.enum(["provisioning", "active", "suspended", "offboarded"]),
    createdAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Tenant");
export type TenantResponse = z.infer<typeof tenantSchema>;

export const createTenantRoute = defineRoute({
  method: "post",
  path: "/api/v1/tenants",
  permission: "platform.tenants:manage",
  tags: ["vendor"],
  summary: "Provision a tenant (schema, role, template tables)",
  request: {
    body: { required: true, content: { "application/json": { schema: createTenantBody } } },
  },
  responses: {
    201: { description: "created", content: { "application/json": { schema: tenantSchema } } },
  },
});

export function registerCreateTenant(app: App): void {
  app.openapi(createTenantRoute, async (c) => {
    const audit = auditChange(c, "tenant.create");
    const t = await createTenant(c.var.deps.db, c.req.valid("json"), (tx, created) =>
      audit(tx, created, "provisioning"),
    );
    const body = tenantSchema.parse({ ...t, createdAt: t.createdAt.toISOString() });
    return c.json(body, 201);
  });
}
