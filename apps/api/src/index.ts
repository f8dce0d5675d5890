export { z } from "@hono/zod-openapi";
export { createApp } from "./app.ts";
export type { AppDeps, AppEnv, Authenticator, Logger, Permission, Principal } from "./env.ts";
export { consoleLogger } from "./logger.ts";
export { HttpProblem, type Problem, type ProblemCode, problemCatalog } from "./problems.ts";
export {
  type App,
  defineRoute,
  listRoutes,
  type RouteInfo,
  sharedErrorResponses,
} from "./route.ts";
