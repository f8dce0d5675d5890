import { chainAuditHook, tenantChangeAudit } from "@zhengyun/audit";
import {
  type AuthCtx,
  type Permission as AuthPermission,
  authenticateRequest,
  authOptionsFrom,
  authorize,
  createRateLimiter,
  type Principal,
  type RateLimiter,
} from "@zhengyun/auth";
import { isDomainError } from "@zhengyun/core";
import { type App, type AppDeps, type AppEnv, clientIp } from "@zhengyun/http";
import type { Tenant, TenantChangeHook } from "@zhengyun/tenancy";
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { LANG_COOKIE, type Lang, negotiateLang, type Translate, translator } from "./i18n/index.ts";

/**
 * What a page needs: "public"; "signed-in", anyone signed in to the area; "staff", any staff member of the area (vendor staff on /console,
 * the URL tenant's staff on /t/{tenant}/console); or one of the policy's permissions.
 */
export type PagePermission = "public" | "signed-in" | "staff" | AuthPermission;
export type Area = "vendor" | "tenant" | "portal";

export interface PageCtx {
  c: Context<AppEnv>;
  lang: Lang;
  t: Translate;
  /** True when the language came from the `lang` query parameter (links and redirects keep it). */
  langExplicit: boolean;
  principal: Principal | undefined;
  tenant: Tenant | undefined;
  area: Area;
  auth: AuthCtx;
  requestId: string;
  /** Fields of a posted form, as strings. */
  form: Record<string, string>;
  /** The current page (the definition's path with its tenant filled in). */
  path: string;
  /** The area's pages this principal may open, for the navigation. */
  nav: { href: string; label: string; current: boolean }[];
}

export type PageResult = Response | Promise<Response>;

export interface PageDef {
  method: "get" | "post";
  /** `{tenant}` marks tenant pages, e.g. `/t/{tenant}/console/staff`. */
  path: string;
  permission: PagePermission;
  /** Shown in the area's navigation to whoever may open the page (GET pages only). */
  nav?: (t: Translate) => string;
  handler: (p: PageCtx) => PageResult;
}

/** One row of the page registry, shaped like packages/http's RouteInfo for the route matrix. */
export interface PageInfo {
  method: string;
  path: string;
  permission: PagePermission;
  tenantScoped: boolean;
  area: Area;
}

export const definePage = (def: PageDef): PageDef => def;

export const areaOf = (path: string): Area =>
  path.startsWith("/console") || path === "/" || path.startsWith("/account")
    ? "vendor"
    : path.startsWith("/t/{tenant}/console")
      ? "tenant"
      : "portal";

/** How a page turns into a response; set by the shell (render.tsx) to avoid an import cycle. */
export interface PageHooks {
  signInUrl(p: PageCtx): string;
  errorPage(p: PageCtx, status: 400 | 403 | 404 | 409 | 429 | 500): Response;
}

const registries = new WeakMap<App, Registry>();

/** Every page registered on this app (for the route × role matrix and the navigation). */
export function listPages(app: App): PageInfo[] {
  return (registries.get(app) ?? []).map((r) => r.info);
}

export function pagesOf(app: App): PageDef[] {
  return (registries.get(app) ?? []).map((r) => r.def);
}

/** May this principal open a page needing `permission` here? Deny by default. */
export function allowed(
  principal: Principal | undefined,
  permission: PagePermission,
  area: Area,
  tenant: Tenant | undefined,
  now: Date,
): boolean {
  if (permission === "public") return true;
  if (!principal) return false;
  if (permission === "signed-in") {
    return area === "vendor"
      ? principal.kind === "staff" && principal.tenantId === null
      : tenant !== undefined && principal.tenantId === tenant.id;
  }
  if (permission === "staff") {
    if (principal.kind !== "staff") return false;
    if (area === "vendor") return principal.tenantId === null && principal.roles.length > 0;
    return tenant !== undefined && principal.tenantId === tenant.id && principal.roles.length > 0;
  }
  return authorize(principal, permission, area === "vendor" ? null : (tenant ?? null), now);
}

/**
 * The same cross-origin rule as the API's CSRF guard (Go's CrossOriginProtection): Sec-Fetch-Site
 * must be same-origin (or none); without it, an Origin, when sent, must be this host or PUBLIC_URL's.
 */
function sameOrigin(c: Context<AppEnv>): boolean {
  const site = c.req.header("sec-fetch-site");
  if (site !== undefined) return site === "same-origin" || site === "none";
  const origin = c.req.header("origin");
  if (origin === undefined) return true;
  const pub = c.var.deps.config.PUBLIC_URL;
  if (pub && origin === new URL(pub).origin) return true;
  try {
    const o = new URL(origin);
    const r = new URL(c.req.url);
    return o.host === r.host && (o.protocol === r.protocol || o.protocol === "https:");
  } catch {
    return false;
  }
}

/** One sign-in limiter per app (its deps), counting page sign-ins per IP like the JSON route's. */
const limiters = new WeakMap<AppDeps, RateLimiter>();
function signInLimiterOf(deps: AppDeps): RateLimiter {
  let l = limiters.get(deps);
  if (!l) {
    l = createRateLimiter({
      limit: deps.config.SIGN_IN_PER_IP_PER_MIN,
      windowMs: 60_000,
      ...(deps.clock ? { clock: deps.clock } : {}),
    });
    limiters.set(deps, l);
  }
  return l;
}

/**
 * The identity verbs' context, as the API's identity builds it: configured lockout and session
 * limits, the per-IP sign-in limiter, and the audit hook that writes the same records (a tenant
 * user's events into that tenant's chain) as the JSON routes.
 */
export function authCtxOf(c: Context<AppEnv>): AuthCtx {
  const { deps } = c.var;
  const ip = clientIp(c, deps.config);
  const ua = c.req.header("user-agent");
  // The key that seals TOTP seeds: the runtime's session secret, as the API's identity uses.
  const secretKey = deps.secrets?.sessionSecret ?? deps.config.SESSION_SECRET;
  return {
    db: deps.db,
    ...(deps.clock ? { clock: deps.clock } : {}),
    ...(secretKey ? { secretKey } : {}),
    options: authOptionsFrom(deps.config),
    signInLimiter: signInLimiterOf(deps),
    audit: chainAuditHook(deps.db, c.var.tenant),
    requestId: c.var.requestId,
    ...(ip ? { ip } : {}),
    ...(ua ? { userAgent: ua } : {}),
  };
}

/** The vendor-chain record of an operator's tenant change made through a page (as the API's). */
export function pageTenantAudit(p: PageCtx, action: string): TenantChangeHook {
  const actor = p.principal ?? { id: "", roles: [] };
  const { requestId, ip, userAgent } = p.auth;
  return tenantChangeAudit(action, actor, {
    ...(requestId ? { requestId } : {}),
    ...(ip ? { ip } : {}),
    ...(userAgent ? { userAgent } : {}),
  });
}

/** Decides the session cookie's name; the same rule as the API's (https here or in PUBLIC_URL). */
export const isSecure = (c: Context<AppEnv>): boolean =>
  new URL(c.req.url).protocol === "https:" ||
  Boolean(c.var.deps.config.PUBLIC_URL?.startsWith("https:"));

const STATUS_OF: Record<string, 400 | 403 | 404 | 409 | 429> = {
  validation: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 409,
  limit_exceeded: 429,
};

/**
 * Registers pages with their guards: the language, the principal (session cookie only: pages are
 * for browsers), same-origin POSTs, the declared permission (signed out → sign-in keeping `lang`,
 * another tenant's credential → 404, wrong role → 403), and shell-styled error pages.
 */
export function registerPages(app: App, defs: PageDef[], hooks: PageHooks): void {
  const list: Registry = registries.get(app) ?? [];
  registries.set(app, list);
  for (const def of defs) {
    const area = areaOf(def.path);
    const tenantScoped = def.path.startsWith("/t/{tenant}/");
    list.push({
      info: {
        method: def.method.toUpperCase(),
        path: def.path,
        permission: def.permission,
        tenantScoped,
        area,
      },
      def,
    });
    const honoPath = def.path.replace(/\{(\w+)\}/g, ":$1");
    app.on(def.method.toUpperCase(), honoPath, async (c) => {
      const p = await pageCtx(c, def, area, list);
      try {
        if (def.method === "post" && !sameOrigin(c)) return hooks.errorPage(p, 403);
        const now = (c.var.deps.clock ?? { now: () => new Date() }).now();
        if (!allowed(p.principal, def.permission, area, p.tenant, now)) {
          if (!p.principal) return c.redirect(hooks.signInUrl(p), 303);
          // Another tenant's people learn nothing about this tenant's pages.
          const foreign =
            p.tenant && p.principal.tenantId !== null && p.principal.tenantId !== p.tenant.id;
          return hooks.errorPage(p, foreign ? 404 : 403);
        }
        if (def.method === "post") {
          const body = await c.req.parseBody();
          for (const [k, v] of Object.entries(body)) if (typeof v === "string") p.form[k] = v;
        }
        return await def.handler(p);
      } catch (err) {
        if (isDomainError(err) && err.code === "unauthenticated") {
          return c.redirect(hooks.signInUrl(p), 303);
        }
        const status = isDomainError(err) ? (STATUS_OF[err.code] ?? 500) : 500;
        if (status === 500) {
          c.var.logger.error(
            { requestId: c.var.requestId, err: err instanceof Error ? err.stack : String(err) },
            "page failed",
          );
        }
        return hooks.errorPage(p, status);
      }
    });
  }
}

type Registry = { info: PageInfo; def: PageDef }[];

async function pageCtx(
  c: Context<AppEnv>,
  def: PageDef,
  area: Area,
  registry: Registry,
): Promise<PageCtx> {
  const { lang, explicit } = negotiateLang({
    query: c.req.query("lang"),
    cookie: getCookie(c, LANG_COOKIE),
    acceptLanguage: c.req.header("accept-language"),
  });
  // An explicit choice sticks for the next pages, whatever links they follow.
  if (explicit) {
    setCookie(c, LANG_COOKIE, lang, { path: "/", sameSite: "Lax", maxAge: 31_536_000 });
  }
  const tenant = c.var.tenant;
  const auth = authCtxOf(c);
  const found = await authenticateRequest(auth, {
    cookie: c.req.header("cookie"),
    secure: isSecure(c),
    tenantId: area === "vendor" ? null : (tenant?.id ?? null),
  });
  const principal = found?.principal;
  const fill = (x: string) => (tenant ? x.replace("{tenant}", tenant.slug) : x);
  const path = fill(def.path);
  const t = translator(lang);
  const now = (c.var.deps.clock ?? { now: () => new Date() }).now();
  const nav = registry
    .filter(
      ({ info, def: d }) =>
        d.nav && info.area === area && allowed(principal, d.permission, area, tenant, now),
    )
    .map(({ def: d }) => ({
      href: fill(d.path),
      label: d.nav?.(t) ?? "",
      current: fill(d.path) === path,
    }));
  return {
    c,
    lang,
    t,
    langExplicit: explicit,
    principal,
    tenant,
    area,
    auth: principal ? { ...auth, actor: principal } : auth,
    requestId: c.var.requestId,
    form: {},
    path,
    nav,
  };
}
