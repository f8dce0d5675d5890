import { ForbiddenError } from "@zhengyun/core";
import type { AppDeps, AppEnv } from "@zhengyun/http";
import { createMiddleware } from "hono/factory";
import { BEARER } from "./client.ts";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Cross-origin request forgery check on every state-changing request, whatever its content type
 * (Hono's csrf middleware only looks at form types). The algorithm is Go's CrossOriginProtection:
 * Sec-Fetch-Site must be same-origin (or none: typed by the user); without it, Origin, when sent,
 * must be this host (or PUBLIC_URL's origin). A request with neither header did not come from a
 * browser, so no ambient cookie rode along. A bearer API key carries no ambient credential and the
 * authenticator never falls back to the cookie when one is present, so those are exempt.
 */
export function crossOriginGuard(deps: AppDeps) {
  const publicOrigin = deps.config.PUBLIC_URL ? new URL(deps.config.PUBLIC_URL).origin : undefined;
  return createMiddleware<AppEnv>(async (c, next) => {
    if (SAFE.has(c.req.method) || BEARER.test(c.req.header("authorization") ?? "")) return next();
    const site = c.req.header("sec-fetch-site");
    if (site !== undefined) {
      if (site === "same-origin" || site === "none") return next();
      throw new ForbiddenError("Cross-origin request refused");
    }
    const origin = c.req.header("origin");
    if (origin === undefined) return next();
    if (origin === publicOrigin || sameHost(origin, c.req.url)) return next();
    throw new ForbiddenError("Cross-origin request refused");
  });
}

function sameHost(origin: string, requestUrl: string): boolean {
  try {
    const o = new URL(origin);
    const r = new URL(requestUrl);
    // Behind a TLS proxy the request URL says http while the page was https: same host still counts.
    return o.host === r.host && (o.protocol === r.protocol || o.protocol === "https:");
  } catch {
    return false; // "null" and other opaque origins
  }
}
