import { z } from "@hono/zod-openapi";
import {
  approveSupportAccess,
  businessPermissions,
  listSupportGrants,
  MAX_SUPPORT_MINUTES,
  rejectSupportAccess,
  requestSupportAccess,
  revokeSupportAccess,
} from "@zhengyun/auth";
import { NotFoundError } from "@zhengyun/core";
import type { SupportGrant } from "@zhengyun/db/platform";
import { type App, defineRoute } from "@zhengyun/http";
import { findTenantBySlug } from "@zhengyun/tenancy";
import { authCtx, iso, principalOf, tenantOf } from "./context.ts";

const statuses = ["requested", "approved", "rejected", "revoked"] as const;

export const supportGrantSchema = z
  .object({
    id: z.string(),
    vendorUserId: z.string(),
    tenantId: z.string(),
    scope: z.array(z.string()),
    reason: z.string(),
    status: z.enum(statuses),
    /** Until approval these hold the requested length; approval starts the window. */
    validFrom: z.string(),
    validUntil: z.string(),
    approvedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("SupportGrant");

export const supportRequestBody = z
  .object({
    tenant: z.string().min(1).max(64).openapi({ description: "the tenant's slug" }),
    scope: z.array(z.enum(businessPermissions)).min(1),
    reason: z.string().trim().min(5).max(500),
    minutes: z.number().int().min(5).max(MAX_SUPPORT_MINUTES),
  })
  .openapi("SupportAccessRequest");

const view = (g: SupportGrant) =>
  supportGrantSchema.parse({
    ...g,
    validFrom: iso(g.validFrom),
    validUntil: iso(g.validUntil),
    decidedAt: iso(g.decidedAt),
    createdAt: iso(g.createdAt),
  });
const one = (description: string) => ({
  description,
  content: { "application/json": { schema: supportGrantSchema } },
});

export const requestSupportRoute = defineRoute({
  method: "post",
  path: "/api/v1/support-access",
  permission: "platform.support:request",
  tags: ["vendor"],
  summary: "Ask a tenant for time- and scope-limited access to its business data",
  request: {
    body: { required: true, content: { "application/json": { schema: supportRequestBody } } },
  },
  responses: { 201: one("requested; nothing is allowed until the tenant admin approves") },
});

export const listSupportRoute = defineRoute({
  method: "get",
  path: "/t/{tenant}/api/v1/support-grants",
  permission: "tenant.support:approve",
  tags: ["tenant admin"],
  summary: "Support-access requests and grants of this tenant, newest first",
  request: {
    params: z.object({ tenant: z.string() }),
    query: z.object({ status: z.enum(statuses).optional() }),
  },
  responses: {
    200: {
      description: "grants",
      content: {
        "application/json": { schema: z.object({ items: z.array(supportGrantSchema) }) },
      },
    },
  },
});

const decisions = {
  approve: approveSupportAccess,
  reject: rejectSupportAccess,
  revoke: revokeSupportAccess,
};
const decideRoute = (verb: keyof typeof decisions) =>
  defineRoute({
    method: "post",
    path: `/t/{tenant}/api/v1/support-grants/{grantId}/${verb}`,
    permission: "tenant.support:approve",
    tags: ["tenant admin"],
    summary: `${verb[0]?.toUpperCase()}${verb.slice(1)} a support-access request`,
    request: { params: z.object({ tenant: z.string(), grantId: z.string().min(1).max(64) }) },
    responses: { 200: one("the grant after the decision") },
  });
export const approveSupportRoute = decideRoute("approve");
export const rejectSupportRoute = decideRoute("reject");
export const revokeSupportRoute = decideRoute("revoke");

export function registerSupportAdmin(app: App): void {
  app.openapi(requestSupportRoute, async (c) => {
    const body = c.req.valid("json");
    const t = await findTenantBySlug(c.var.deps.db, body.tenant);
    if (t?.status !== "active") throw new NotFoundError(`No tenant "${body.tenant}"`);
    const g = await requestSupportAccess({
      ctx: authCtx(c),
      input: { ...body, tenantId: t.id, vendorUserId: principalOf(c).id },
    });
    return c.json(view(g), 201);
  });
  app.openapi(listSupportRoute, async (c) => {
    const { status } = c.req.valid("query");
    const t = tenantOf(c);
    const rows = await listSupportGrants({
      ctx: authCtx(c, t),
      input: { tenantId: t.id, ...(status ? { status: [status] } : {}) },
    });
    return c.json({ items: rows.map(view) }, 200);
  });
  for (const [verb, route] of [
    ["approve", approveSupportRoute],
    ["reject", rejectSupportRoute],
    ["revoke", revokeSupportRoute],
  ] as const) {
    app.openapi(route, async (c) => {
      const t = tenantOf(c);
      const g = await decisions[verb]({
        ctx: authCtx(c, t),
        input: { tenantId: t.id, grantId: c.req.valid("param").grantId },
      });
      return c.json(view(g), 200);
    });
  }
}
