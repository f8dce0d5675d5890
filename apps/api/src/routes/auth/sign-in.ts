import {
  blankSessionCookie,
  enrollTotp,
  readSessionCookie,
  type SignInResult,
  sessionCookie,
  signIn,
  verifyTotp,
} from "@zhengyun/auth";
import { type App, type AppEnv, defineRoute } from "@zhengyun/http";
import type { Context } from "hono";
import type { Identity } from "../../auth/identity.ts";
import { signInBody, signInResponse, tenantParams, totpBody } from "./schemas.ts";

const json = <S>(schema: S) => ({ "application/json": { schema } });
const answered = {
  200: { description: "signed in, or the second factor is due", content: json(signInResponse) },
};

export const vendorSignInRoute = defineRoute({
  method: "post",
  path: "/api/v1/auth/sign-in",
  permission: "public",
  tags: ["auth"],
  summary: "Vendor staff sign-in: password, then TOTP",
  request: { body: { required: true, content: json(signInBody) } },
  responses: answered,
});

export const tenantSignInRoute = defineRoute({
  method: "post",
  path: "/t/{tenant}/api/v1/auth/sign-in",
  permission: "public",
  tags: ["auth"],
  summary: "Tenant staff or citizen sign-in",
  request: { params: tenantParams, body: { required: true, content: json(signInBody) } },
  responses: answered,
});

export const vendorTotpRoute = defineRoute({
  method: "post",
  path: "/api/v1/auth/totp",
  permission: "public",
  tags: ["auth"],
  summary: "Second factor: a TOTP code (confirms a new enrolment) or a recovery code",
  request: { body: { required: true, content: json(totpBody) } },
  responses: answered,
});

export const tenantTotpRoute = defineRoute({
  method: "post",
  path: "/t/{tenant}/api/v1/auth/totp",
  permission: "public",
  tags: ["auth"],
  summary: "Second factor for tenant staff",
  request: { params: tenantParams, body: { required: true, content: json(totpBody) } },
  responses: answered,
});

/** The session cookie (or a pending state) as the response; nobody caches any of it. */
async function answer(c: Context<AppEnv>, identity: Identity, r: SignInResult) {
  const secure = identity.secure(c);
  c.header("Cache-Control", "no-store");
  if (r.status === "signed_in") {
    const { absoluteExpiresAt, idleExpiresAt } = r.session;
    const maxAgeSeconds = Math.floor(
      (absoluteExpiresAt.getTime() - identity.clock.now().getTime()) / 1000,
    );
    c.header("Set-Cookie", sessionCookie(r.token, { secure, maxAgeSeconds }).serialize());
    return signInResponse.parse({
      state: "signed_in",
      session: {
        idleExpiresAt: idleExpiresAt.toISOString(),
        absoluteExpiresAt: absoluteExpiresAt.toISOString(),
      },
      ...(r.recoveryCodes ? { recoveryCodes: r.recoveryCodes } : {}),
    });
  }
  // Whatever session the client carried has ended (no fixation); it holds only the pending token.
  c.header("Set-Cookie", blankSessionCookie({ secure }).serialize());
  if (r.status === "totp_required") {
    return signInResponse.parse({ state: r.status, pendingToken: r.pendingToken });
  }
  const { secret, uri } = await enrollTotp({ ctx: identity.ctx(c), input: { userId: r.userId } });
  return signInResponse.parse({
    state: r.status,
    pendingToken: r.pendingToken,
    enrollment: { otpauthUri: uri, secret },
  });
}

export function registerSignIn(app: App, identity: Identity): void {
  const handle = async (c: Context<AppEnv>, body: ReturnType<typeof signInBody.parse>) => {
    const tenant = c.var.tenant;
    const previousToken = readSessionCookie(c.req.header("cookie"), identity.secure(c));
    if (previousToken) identity.forgetSession(previousToken);
    const r = await signIn({
      ctx: identity.ctx(c),
      input: {
        login: body.login ?? body.email,
        password: body.password,
        kind: tenant ? body.kind : "staff",
        tenantId: tenant?.id ?? null,
        ...(previousToken ? { previousToken } : {}),
      },
    });
    return answer(c, identity, r);
  };
  app.openapi(vendorSignInRoute, async (c) => c.json(await handle(c, c.req.valid("json")), 200));
  app.openapi(tenantSignInRoute, async (c) => c.json(await handle(c, c.req.valid("json")), 200));

  const second = async (c: Context<AppEnv>, body: ReturnType<typeof totpBody.parse>) =>
    answer(
      c,
      identity,
      await verifyTotp({
        ctx: identity.ctx(c),
        input: { ...body, tenantId: c.var.tenant?.id ?? null },
      }),
    );
  app.openapi(vendorTotpRoute, async (c) => c.json(await second(c, c.req.valid("json")), 200));
  app.openapi(tenantTotpRoute, async (c) => c.json(await second(c, c.req.valid("json")), 200));
}
