import type { AppEnv } from "@zhengyun/http";
import { createMiddleware } from "hono/factory";

/**
 * Counts one API request for the tenant the URL resolved (`app.use("/t/:tenant/*", …)` after tenant
 * resolution). Synchronous and in memory: the counter flushes to metering off the request path.
 * Its own entry point (`@zhengyun/metering/counter-middleware`), light enough for the Workers app.
 */
export function requestCounterMiddleware(counter: { count(tenantId: string): void }) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const tenant = c.var.tenant;
    if (tenant) counter.count(tenant.id);
    await next();
  });
}
