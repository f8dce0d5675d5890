/**
 * The HTTP kit shared by the app (apps/api) and every module package: the typed env, the route
 * definition helper with its declared permission, the problem+json vocabulary. Modules depend on this,
 * not on apps/api, so the app can compose them without a dependency cycle. Worker-safe.
 */
export { z } from "@hono/zod-openapi";
export * from "./body-limit.ts";
export * from "./client-ip.ts";
export * from "./env.ts";
export * from "./logger.ts";
export * from "./problems.ts";
export * from "./route.ts";
