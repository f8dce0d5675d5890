import { registerCitizen } from "@zhengyun/auth";
import { type App, defineRoute } from "@zhengyun/http";
import type { Identity } from "../../auth/identity.ts";
import { registerBody, registerResponse, tenantParams } from "./schemas.ts";

export const registerCitizenRoute = defineRoute({
  method: "post",
  path: "/t/{tenant}/api/v1/citizens",
  permission: "public",
  tags: ["auth"],
  summary: "Citizen registration; an existing identity joins this tenant with its password",
  request: {
    params: tenantParams,
    body: { required: true, content: { "application/json": { schema: registerBody } } },
  },
  responses: {
    201: {
      description: "registered",
      content: { "application/json": { schema: registerResponse } },
    },
  },
});

export function registerCitizens(app: App, identity: Identity): void {
  app.openapi(registerCitizenRoute, async (c) => {
    const tenant = c.var.tenant;
    if (!tenant) throw new Error("tenant middleware did not run");
    const body = c.req.valid("json");
    const ctx = identity.ctx(c);
    // Registration hashes a password (or proves one): limited per IP like sign-in.
    if (ctx.ip) ctx.signInLimiter?.hit(ctx.ip);
    const r = await registerCitizen({
      ctx,
      input: {
        tenantId: tenant.id,
        login: body.login ?? body.email,
        password: body.password,
        ...(body.displayName ? { displayName: body.displayName } : {}),
      },
    });
    return c.json(registerResponse.parse({ userId: r.userId, joined: r.joined }), 201);
  });
}
