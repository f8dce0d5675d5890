export { z } from "@hono/zod-openapi";
export type { AppDeps, AppEnv, Authenticator, Logger, Permission, Principal } from "@zhengyun/http";
export {
  type App,
  consoleLogger,
  defineRoute,
  HttpProblem,
  listRoutes,
  type Problem,
  type ProblemCode,
  problemCatalog,
  type RouteInfo,
  sharedErrorResponses,
} from "@zhengyun/http";
export { createApp } from "./app.ts";
