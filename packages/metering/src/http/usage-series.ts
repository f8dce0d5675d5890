import { type App, defineRoute, HttpProblem } from "@zhengyun/http";
import { usageQuerySchema, usageSeriesResponseSchema } from "../schemas.ts";
import { usageSeries } from "../series.ts";
import { queryTenant } from "./tenant-scope.ts";

export const SERIES_PATH = "/api/v1/usage";

export const usageSeriesRoute = defineRoute({
  method: "get",
  path: SERIES_PATH,
  permission: "tenant.usage:read",
  tags: ["usage"],
  summary: "A tenant's usage of one meter by Asia/Shanghai day or month (inclusive dates)",
  request: { query: usageQuerySchema },
  responses: {
    200: {
      description: "points and total",
      content: { "application/json": { schema: usageSeriesResponseSchema } },
    },
  },
});

export function registerUsageSeries(app: App): void {
  app.use(SERIES_PATH, queryTenant);
  app.openapi(usageSeriesRoute, async (c) => {
    const tenant = c.var.tenant;
    // queryTenant resolved it whenever `tenant` was given, and the query schema requires it.
    if (!tenant) throw new HttpProblem("validation", "tenant is required");
    const q = c.req.valid("query");
    const series = await usageSeries(c.var.deps.db, { ...q, tenantId: tenant.id });
    return c.json(usageSeriesResponseSchema.parse(series), 200);
  });
}
