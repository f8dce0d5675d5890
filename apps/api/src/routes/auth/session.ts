import { blankSessionCookie, changePassword, readSessionCookie, signOut } from "@zhengyun/auth";
import { type App, type AppEnv, defineRoute } from "@zhengyun/http";
import type { Context } from "hono";
import { readAccount, SELF_PERMISSIONS } from "../../auth/account.ts";
import type { Identity } from "../../auth/identity.ts";
import { meSchema, passwordBody, tenantParams } from "./schemas.ts";

const json = <S>(schema: S) => ({ "application/json": { schema } });
const ended = { 204: { description: "done; the session cookie is cleared" } };

export const vendorSignOutRoute = defineRoute({
  method: "post",
  path: "/api/v1/auth/sign-out",
  // Ending a session needs no permission; without a session it changes nothing.
  permission: "public",
  tags: ["auth"],
  summary: "End the current session",
  responses: ended,
});

export const tenantSignOutRoute = defineRoute({
  method: "post",
  path: "/t/{tenant}/api/v1/auth/sign-out",
  permission: "public",
  tags: ["auth"],
  summary: "End the current session",
  request: { params: tenantParams },
  responses: ended,
});

export const vendorPasswordRoute = defineRoute({
  method: "post",
  path: "/api/v1/auth/password",
  permission: SELF_PERMISSIONS.vendor,
  tags: ["auth"],
  summary: "Change your own password; every session of yours ends",
  request: { body: { required: true, content: json(passwordBody) } },
  responses: ended,
});

export const tenantPasswordRoute = defineRoute({
  method: "post",
  path: "/t/{tenant}/api/v1/auth/password",
  permission: SELF_PERMISSIONS.tenant,
  tags: ["auth"],
  summary: "Change your own password; every session of yours ends",
  request: { params: tenantParams, body: { required: true, content: json(passwordBody) } },
  responses: ended,
});

const me = { 200: { description: "the signed-in account", content: json(meSchema) } };

export const vendorMeRoute = defineRoute({
  method: "get",
  path: "/api/v1/auth/me",
  permission: SELF_PERMISSIONS.vendor,
  tags: ["auth"],
  summary: "Who is signed in",
  responses: me,
});

export const tenantMeRoute = defineRoute({
  method: "get",
  path: "/t/{tenant}/api/v1/auth/me",
  permission: SELF_PERMISSIONS.tenant,
  tags: ["auth"],
  summary: "Who is signed in (tenant staff or citizen)",
  request: { params: tenantParams },
  responses: me,
});

export function registerSession(app: App, identity: Identity): void {
  const out = async (c: Context<AppEnv>) => {
    const secure = identity.secure(c);
    const token = readSessionCookie(c.req.header("cookie"), secure);
    if (token) {
      identity.forgetSession(token);
      await signOut({ ctx: identity.ctx(c), input: { token } });
    }
    c.header("Set-Cookie", blankSessionCookie({ secure }).serialize());
    return c.body(null, 204);
  };
  app.openapi(vendorSignOutRoute, out);
  app.openapi(tenantSignOutRoute, out);

  const change = async (c: Context<AppEnv>, body: ReturnType<typeof passwordBody.parse>) => {
    const actor = c.var.principal;
    if (!actor) throw new Error("guard did not run");
    const ctx = identity.ctx(c);
    // Each attempt costs an argon2 verification: the sign-in limiter bounds them per IP.
    if (ctx.ip) ctx.signInLimiter?.hit(ctx.ip);
    await changePassword({
      ctx: { ...ctx, actor },
      input: { userId: actor.id, ...body, tenantId: c.var.tenant?.id ?? null },
    });
    identity.forgetUser(actor.id);
    c.header("Set-Cookie", blankSessionCookie({ secure: identity.secure(c) }).serialize());
    return c.body(null, 204);
  };
  app.openapi(vendorPasswordRoute, (c) => change(c, c.req.valid("json")));
  app.openapi(tenantPasswordRoute, (c) => change(c, c.req.valid("json")));

  const who = async (c: Context<AppEnv>) => {
    const p = c.var.principal;
    if (!p || p.kind === "apikey") throw new Error("guard did not run");
    const u = await readAccount(c.var.deps.db, p.id);
    c.header("Cache-Control", "no-store");
    return meSchema.parse({
      ...u,
      kind: p.kind,
      tenant: c.var.tenant?.slug ?? null,
      roles: p.roles,
    });
  };
  app.openapi(vendorMeRoute, async (c) => c.json(await who(c), 200));
  app.openapi(tenantMeRoute, async (c) => c.json(await who(c), 200));
}
