import { newId } from "@zhengyun/core";
import type { App, AppDeps, AppEnv } from "@zhengyun/http";
import { HttpProblem, routeBodyLimit } from "@zhengyun/http";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";

/** Accept a caller's id only when it is short and plain, so it is safe to log and echo. */
const SANE_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Request id (echoed), request-scoped logger, and one JSON log line per request. */
export function requestContext(deps: AppDeps) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const started = performance.now();
    const incoming = c.req.header("x-request-id");
    const requestId = incoming && SANE_ID.test(incoming) ? incoming : newId("req");
    c.set("requestId", requestId);
    c.set("logger", deps.logger);
    c.set("deps", deps);
    c.set("tenant", undefined);
    c.set("principal", undefined);
    try {
      await next();
    } finally {
      c.header("X-Request-Id", requestId);
      const status = c.res.status;
      const line = {
        requestId,
        method: c.req.method,
        path: c.req.path,
        status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        tenant: c.var.tenant?.slug ?? null,
      };
      if (status >= 500) deps.logger.error(line, "request");
      else deps.logger.info(line, "request");
    }
  });
}

/**
 * Bodies larger than BODY_LIMIT_BYTES are refused with 413 before anything reads them; a route
 * that declared its own limit (setRouteBodyLimit, e.g. a batch upload) gets that one instead.
 */
export function limitBody(deps: AppDeps, app?: App) {
  const limiters = new Map<number, ReturnType<typeof bodyLimit>>();
  const limiter = (maxSize: number) => {
    let m = limiters.get(maxSize);
    if (!m) {
      m = bodyLimit({
        maxSize,
        onError: () => {
          throw new HttpProblem("payload_too_large", `Request body exceeds ${maxSize} bytes`);
        },
      });
      limiters.set(maxSize, m);
    }
    return m;
  };
  return createMiddleware<AppEnv>((c, next) => {
    const own = app && routeBodyLimit(app, c.req.method, c.req.path);
    return limiter(own ?? deps.config.BODY_LIMIT_BYTES)(c, next);
  });
}
