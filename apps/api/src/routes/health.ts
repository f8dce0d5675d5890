import { z } from "@hono/zod-openapi";
import { type App, defineRoute, HttpProblem } from "@zhengyun/http";
import { databaseAnswers } from "../services/health.ts";

const statusSchema = z.object({ status: z.literal("ok") }).openapi("Status");

export const healthzRoute = defineRoute({
  method: "get",
  path: "/healthz",
  permission: "public",
  tags: ["ops"],
  summary: "Liveness: the process answers (no database)",
  responses: {
    200: { description: "alive", content: { "application/json": { schema: statusSchema } } },
  },
});

export const readyzRoute = defineRoute({
  method: "get",
  path: "/readyz",
  permission: "public",
  tags: ["ops"],
  summary: "Readiness: migrations and demo seeding done, database answers",
  responses: {
    200: { description: "ready", content: { "application/json": { schema: statusSchema } } },
  },
});

export function registerHealth(app: App): void {
  app.openapi(healthzRoute, (c) => c.json({ status: "ok" as const }, 200));
  app.openapi(readyzRoute, async (c) => {
    const { deps } = c.var;
    if (!deps.isReady())
      throw new HttpProblem("not_ready", "Still starting: migrations or demo seeding are running");
    if (!(await databaseAnswers(deps.db)))
      throw new HttpProblem("not_ready", "The database does not answer");
    return c.json({ status: "ok" as const }, 200);
  });
}
