import { createRoute, type OpenAPIHono, type RouteConfig, z } from "@hono/zod-openapi";
import { DomainError, NotFoundError } from "@zhengyun/core";
import { createMiddleware } from "hono/factory";
import type { AppEnv, Permission } from "./env.ts";
import { HttpProblem, problemCatalog, problemCodes } from "./problems.ts";

export type App = OpenAPIHono<AppEnv>;

/** One row of the route registry: what issue 3's route × role matrix walks. */
export interface RouteInfo {
  method: string;
  /** OpenAPI path template, e.g. `/t/{tenant}/api/v1/profile`. */
  path: string;
  permission: Permission;
  tenantScoped: boolean;
}

const TENANT_PREFIX = "/t/{tenant}/";
const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export const problemSchema = z
  .object({
    type: z.string().openapi({ example: "/problems/validation" }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    requestId: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi("Problem");

const problemResponse = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: problemSchema } },
});

/** Spread into every route's description: any route may answer these. */
export const sharedErrorResponses = Object.fromEntries(
  problemCodes
    .filter((c) => c !== "not_ready")
    .map((c) => [problemCatalog[c].status, problemResponse(problemCatalog[c].title)]),
) as Record<number, ReturnType<typeof problemResponse>>;

const metaOf = new WeakMap<object, { permission: Permission; accepts: string[] }>();

/**
 * Defines a route with its declared permission. The returned config carries the guards (deny by
 * default: anything not "public" needs an authenticated, authorized principal) and the shared error
 * responses; `registerRoutes` refuses a route that was not defined through here.
 */
export function defineRoute<const R extends RouteConfig>(def: R & { permission: Permission }): R {
  const { permission, ...config } = def;
  const body = config.request?.body?.content;
  const accepts = body ? Object.keys(body) : ["application/json"];
  const route = createRoute({
    ...config,
    ...(permission === "public" ? {} : { security: [{ session: [] }, { apiKey: [] }] }),
    "x-permission": permission,
    responses: { ...sharedErrorResponses, ...config.responses },
    middleware: [authorize(permission), gateBody(accepts)],
  } as unknown as R);
  metaOf.set(route, { permission, accepts });
  return route;
}

const registries = new WeakMap<App, RouteInfo[]>();

/** Every route registered on this app, in registration order. */
export function listRoutes(app: App): RouteInfo[] {
  return [...(registries.get(app) ?? [])];
}

/** Wraps `app.openapi` so every registration is recorded and an undeclared route is refused. */
export function trackRoutes(app: App): void {
  const list: RouteInfo[] = [];
  registries.set(app, list);
  const register = app.openapi;
  app.openapi = ((route: RouteConfig, ...rest: unknown[]) => {
    const meta = metaOf.get(route);
    if (!meta) throw new Error(`${route.method} ${route.path}: define it with defineRoute`);
    list.push({
      method: route.method.toUpperCase(),
      path: route.path,
      permission: meta.permission,
      tenantScoped: route.path.startsWith(TENANT_PREFIX),
    });
    return (register as (...a: unknown[]) => App)(route, ...rest);
  }) as App["openapi"];
}

function authorize(permission: Permission) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (permission === "public") return next();
    const { authenticator } = c.var.deps;
    // A module middleware may already have authenticated (to find the credential's tenant).
    const principal =
      c.var.principal ?? (authenticator ? await authenticator.authenticate(c) : undefined);
    if (!authenticator || !principal) {
      throw new DomainError("unauthenticated", "Sign in or present a valid API key");
    }
    // Outside /t/{tenant}, a module middleware may name the tenant the route acts on (a query
    // parameter, the credential's own tenant); the same checks then apply.
    const tenant = c.var.tenant;
    // Another tenant's credential learns nothing, not even that the route exists there.
    if (tenant && principal.tenantId !== null && principal.tenantId !== tenant.id) {
      throw new NotFoundError(`No tenant "${tenant.slug}"`);
    }
    if (!authenticator.authorize(principal, permission, tenant)) {
      throw new DomainError("forbidden", `Permission "${permission}" is required`);
    }
    await authenticator.onAuthorized?.(c, principal, permission, tenant);
    c.set("principal", principal);
    await next();
  });
}

const essence = (ct: string) => (ct.split(";")[0] ?? "").trim().toLowerCase();

/** 415 for a body the route does not accept; 400 for JSON that does not parse. */
function gateBody(accepts: string[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!BODY_METHODS.has(c.req.method)) return next();
    const type = c.req.header("content-type");
    const length = c.req.header("content-length");
    const hasBody = type !== undefined || (length !== undefined && length !== "0");
    if (!hasBody && c.req.raw.body === null) return next();
    const got = essence(type ?? "");
    if (!accepts.some((a) => essence(a) === got)) {
      throw new HttpProblem(
        "unsupported_media_type",
        `Content-Type "${got || "(none)"}" is not accepted here; use ${accepts.join(" or ")}`,
      );
    }
    if (got === "application/json" || got.endsWith("+json")) {
      let parsed: unknown;
      try {
        parsed = await c.req.json();
      } catch {
        throw new HttpProblem("invalid_json", "The request body is not valid JSON");
      }
      // Hono caches the text, not the parse: validators and handlers get this parse instead of
      // parsing again (a 1,000-event usage batch is about 160 KB of JSON).
      c.req.json = <T>() => Promise.resolve(parsed as T);
    }
    await next();
  });
}

/**
 * What a module package exports to join the app: its routes (and, later, its pages). The app keeps
 * two lists: apps/api/src/modules.ts (Worker-safe registrations) and apps/api/src/modules.node.ts
 * (Node-only ones), so a Node-only module never reaches the Workers bundle.
 */
export interface ApiModule {
  name: string;
  register(app: App): void;
}
