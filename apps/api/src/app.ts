import { OpenAPIHono } from "@hono/zod-openapi";
import { newId, systemClock } from "@zhengyun/core";
import type { AppDeps, AppEnv } from "@zhengyun/http";
import {
  type App,
  HttpProblem,
  type Problem,
  problemResponse,
  toProblem,
  trackRoutes,
} from "@zhengyun/http";
import { requestCounterMiddleware } from "@zhengyun/metering/counter-middleware";
import { crossOriginGuard } from "./auth/csrf.ts";
import { limitPerIp, limitPerTenant } from "./auth/rate-limit.ts";
import { limitBody, requestContext } from "./middleware/request.ts";
import { hostRewriter, resolveTenantByPath, TenantCache } from "./middleware/tenant.ts";
import { workerModules } from "./modules.ts";
import { registerHealth } from "./routes/health.ts";
import { registerOpenApi } from "./routes/openapi.ts";
import { registerProblemPages } from "./routes/problems.ts";
import { registerTenantProfile } from "./routes/tenant/profile.ts";

/**
 * The HTTP app, shared by the Node server and the Workers entry. Worker-safe: nothing here (or
 * below) imports Node-only modules; Node-only routes are registered by server.ts.
 */
export function createApp(deps: AppDeps): App {
  const app = new OpenAPIHono<AppEnv>({
    // zod failures on params, query or body: one 400 with every field issue.
    defaultHook: (result) => {
      if (result.success) return;
      const errors = result.error.issues.map((i) => ({
        path: i.path.join("."),
        message: i.message,
      }));
      throw new HttpProblem("validation", errors.map((e) => `${e.path}: ${e.message}`).join("; "), {
        errors,
      });
    },
  });
  trackRoutes(app);
  const tenants = new TenantCache(deps.db, deps.clock ?? systemClock);

  app.use("*", requestContext(deps));
  app.use("*", limitBody(deps, app));
  app.use("*", limitPerIp(deps));
  app.use("*", crossOriginGuard(deps));
  app.use("/t/:tenant/*", resolveTenantByPath(tenants));
  if (deps.requestCounter) app.use("/t/:tenant/*", requestCounterMiddleware(deps.requestCounter));
  app.use("/t/:tenant", resolveTenantByPath(tenants));
  app.use("*", limitPerTenant(deps));

  app.onError((err, c) => {
    const problem = toProblem(err, c.req.path, c.var.requestId);
    if (problem.status >= 500) {
      deps.logger.error(
        { requestId: c.var.requestId, err: err instanceof Error ? err.stack : String(err) },
        "unhandled error",
      );
    }
    return problemResponse(problem, c.req.header("accept"), c.var.requestId);
  });
  app.notFound((c) => {
    const problem: Problem = toProblem(
      new HttpProblem("not_found", `Nothing at ${c.req.path}`),
      c.req.path,
      c.var.requestId,
    );
    return problemResponse(problem, c.req.header("accept"), c.var.requestId);
  });

  registerHealth(app);
  registerProblemPages(app);
  registerTenantProfile(app);
  for (const m of workerModules) m.register(app);
  registerOpenApi(app);

  // A tenant's own domain serves its /t/<slug> surface at the root.
  const rewrite = hostRewriter(tenants, deps.config.PUBLIC_URL);
  const dispatch = app.fetch;
  app.fetch = async (req, env, ctx) => {
    let routed: Request;
    try {
      routed = await rewrite(req);
    } catch (err) {
      const requestId = newId("req");
      deps.logger.error({ requestId, err: String(err) }, "tenant host lookup failed");
      const problem = toProblem(err, new URL(req.url).pathname, requestId);
      return problemResponse(problem, req.headers.get("accept") ?? undefined, requestId);
    }
    return dispatch(routed, env, ctx);
  };
  return app;
}
