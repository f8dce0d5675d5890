import { z } from "@hono/zod-openapi";
import {
  assignRole,
  createUser,
  disableUser,
  enableUser,
  generatePassword,
  listStaff,
  revokeRole,
  type StaffAccount,
} from "@zhengyun/auth";
import { tenantRoles, vendorRoles } from "@zhengyun/db/platform";
import { type App, defineRoute } from "@zhengyun/http";
import { authCtx, tenantOf } from "./context.ts";

export const accountSchema = z
  .object({
    id: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    displayName: z.string(),
    status: z.enum(["active", "disabled"]),
    roles: z.array(z.string()),
    createdAt: z.string(),
  })
  .openapi("StaffAccount");

/** Staff roles only: citizens register themselves on a portal and are nobody's staff. */
const staffTenantRoles = tenantRoles.filter((r) => r !== "citizen") as [string, ...string[]];
const roleFor = { vendor: z.enum(vendorRoles), tenant: z.enum(staffTenantRoles) };

const view = (a: StaffAccount) =>
  accountSchema.parse({ ...a, createdAt: a.createdAt.toISOString() });
const json = (schema: z.ZodType, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

/**
 * The same account routes for the vendor's security admin (/api/v1/accounts, vendor roles) and a
 * tenant's (/t/{tenant}/api/v1/accounts, tenant staff roles). Account management only: neither
 * permission reaches business data (separation of duties, see @zhengyun/auth permissions).
 */
function accountRoutes(scope: "vendor" | "tenant") {
  const base = scope === "vendor" ? "/api/v1/accounts" : "/t/{tenant}/api/v1/accounts";
  const permission = scope === "vendor" ? "platform.accounts:manage" : "tenant.accounts:manage";
  const tags = [scope === "vendor" ? "vendor" : "tenant admin"];
  const params = scope === "vendor" ? z.object({}) : z.object({ tenant: z.string() });
  const userParams = params.extend({ userId: z.string().min(1).max(64) });
  const role = roleFor[scope];
  const createBody = z.object({
    login: z.string().trim().min(3).max(254).openapi({ description: "email or phone" }),
    displayName: z.string().trim().min(1).max(100).optional(),
    role,
    password: z
      .string()
      .optional()
      .openapi({ description: "omit to get a generated one, shown once in the answer" }),
  });
  const created = z.object({
    account: accountSchema,
    initialPassword: z.string().optional(),
  });
  const status = (verb: "disable" | "enable") =>
    defineRoute({
      method: "post",
      path: `${base}/{userId}/${verb}`,
      permission,
      tags,
      summary: verb === "disable" ? "Disable an account (its sessions end)" : "Enable an account",
      request: { params: userParams },
      responses: { 204: { description: "done" } },
    });
  return {
    list: defineRoute({
      method: "get",
      path: base,
      permission,
      tags,
      summary: "Staff accounts and their roles",
      request: { params },
      responses: { 200: json(z.object({ items: z.array(accountSchema) }), "accounts") },
    }),
    create: defineRoute({
      method: "post",
      path: base,
      permission,
      tags,
      summary: "Create a staff account with a role",
      request: {
        params,
        body: { required: true, content: { "application/json": { schema: createBody } } },
      },
      responses: { 201: json(created, "created") },
    }),
    disable: status("disable"),
    enable: status("enable"),
    assign: defineRoute({
      method: "post",
      path: `${base}/{userId}/roles`,
      permission,
      tags,
      summary: "Assign a role (the user's sessions end; the next sign-in has it)",
      request: {
        params: userParams,
        body: { required: true, content: { "application/json": { schema: z.object({ role }) } } },
      },
      responses: { 204: { description: "assigned" } },
    }),
    revoke: defineRoute({
      method: "delete",
      path: `${base}/{userId}/roles/{role}`,
      permission,
      tags,
      summary: "Revoke a role (the user's sessions end)",
      request: { params: userParams.extend({ role }) },
      responses: { 204: { description: "revoked" } },
    }),
  };
}

export const vendorAccountRoutes = accountRoutes("vendor");
export const tenantAccountRoutes = accountRoutes("tenant");

function register(app: App, scope: "vendor" | "tenant") {
  const r = scope === "vendor" ? vendorAccountRoutes : tenantAccountRoutes;
  // biome-ignore lint/suspicious/noExplicitAny: one handler set serves both scopes' contexts
  const scoped = (c: any) => {
    const tenant = scope === "tenant" ? tenantOf(c) : undefined;
    return { ctx: authCtx(c, tenant), tenantId: tenant?.id ?? null };
  };
  app.openapi(r.list, async (c) => {
    const { ctx, tenantId } = scoped(c);
    return c.json({ items: (await listStaff({ ctx, input: { tenantId } })).map(view) }, 200);
  });
  app.openapi(r.create, async (c) => {
    const { ctx, tenantId } = scoped(c);
    const body = c.req.valid("json");
    const password = body.password ?? generatePassword();
    const user = await createUser({ ctx, input: { ...body, password, tenantId } });
    const [account] = (await listStaff({ ctx, input: { tenantId } })).filter(
      (a) => a.id === user.id,
    );
    c.header("Cache-Control", "no-store");
    return c.json(
      {
        account: view(account ?? { ...user, roles: [body.role] }),
        ...(body.password === undefined ? { initialPassword: password } : {}),
      },
      201,
    );
  });
  for (const [route, verb] of [
    [r.disable, disableUser],
    [r.enable, enableUser],
  ] as const) {
    app.openapi(route, async (c) => {
      const { ctx, tenantId } = scoped(c);
      await verb({ ctx, input: { userId: c.req.valid("param").userId, tenantId } });
      return c.body(null, 204);
    });
  }
  app.openapi(r.assign, async (c) => {
    const { ctx, tenantId } = scoped(c);
    const { userId } = c.req.valid("param");
    await assignRole({ ctx, input: { userId, role: c.req.valid("json").role, tenantId } });
    return c.body(null, 204);
  });
  app.openapi(r.revoke, async (c) => {
    const { ctx, tenantId } = scoped(c);
    const { userId, role } = c.req.valid("param");
    await revokeRole({ ctx, input: { userId, role, tenantId } });
    return c.body(null, 204);
  });
}

export function registerAccountAdmin(app: App): void {
  register(app, "vendor");
  register(app, "tenant");
}
