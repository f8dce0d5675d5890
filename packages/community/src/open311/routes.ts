import { isDomainError, NotFoundError, ValidationError } from "@zhengyun/core";
import { type App, type AppEnv, defineRoute, z } from "@zhengyun/http";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { CsCtx } from "../context.ts";
import { discovery } from "./discovery.ts";
import { errorResponse, type Format, formatOf, type Node, render } from "./format.ts";
import { postClientUpdate } from "./updates.ts";
import {
  createFromForm,
  listRequests,
  listUpdates,
  oneRequest,
  serviceDefinition,
  serviceList,
  tokenLookup,
} from "./verbs.ts";

const BASE = "/t/{tenant}/open311/v2";
const formats: Format[] = ["json", "xml"];
const tenantParam = z
  .string()
  .openapi({ param: { name: "tenant", in: "path" }, example: "dongcheng" });
const fileParam = (what: string) =>
  z
    .string()
    .regex(/^[^/]+\.(json|xml)$/)
    .openapi({
      param: { name: "file", in: "path" },
      description: `\`<${what}>.json\` or \`<${what}>.xml\``,
    });

const querySchema = z
  .object({
    jurisdiction_id: z.string(),
    service_request_id: z.string(),
    service_code: z.string(),
    start_date: z.string(),
    end_date: z.string(),
    status: z.string(),
  })
  .partial();

const documents = (description: string) => ({
  200: {
    description,
    content: {
      "application/json": { schema: z.unknown() },
      "text/xml": { schema: z.string() },
    },
  },
});

const ctxOf = (c: Context<AppEnv>): CsCtx => {
  const tenant = c.var.tenant;
  if (!tenant) throw new Error("tenant middleware did not run");
  const p = c.var.principal;
  return {
    db: c.var.deps.db,
    tenant,
    ...(c.var.deps.clock ? { clock: c.var.deps.clock } : {}),
    ...(p ? { actor: { id: p.id, role: p.kind === "apikey" ? "apikey" : "staff" } } : {}),
    requestId: c.var.requestId,
  };
};

/** jurisdiction_id is optional (one jurisdiction per tenant URL) and, when given, must be ours. */
function checkJurisdiction(c: Context<AppEnv>, given: string | null | undefined): void {
  if (given && given !== c.var.tenant?.slug)
    throw new NotFoundError(`jurisdiction_id ${given} was not found`);
}

const english = (c: Context<AppEnv>) => /^en\b/i.test(c.req.header("accept-language") ?? "");

function date(v: string | undefined, name: string): Date | undefined {
  if (!v) return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t))
    throw new ValidationError(`${name} is not a W3C datetime`, [
      { path: name, message: "invalid" },
    ]);
  return new Date(t);
}

const list = (v: string | undefined) =>
  v
    ? v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;

/**
 * GeoReport errors keep the spec's own format (a list of code/description, JSON or XML after the
 * path's extension) instead of problem+json: Open311 clients parse exactly that. 403 for a missing
 * or bad api_key, 404 for unknown things, 400 for the rest of the client's mistakes.
 */
const open311Errors = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  const err = c.error;
  if (!err) return;
  const format = formatOf(c.req.path);
  if (!isDomainError(err) && c.res.status >= 500) return;
  let status = c.res.status;
  if (status === 401 || status === 403) status = 403;
  else if (status !== 404 && status < 500) status = 400;
  const messages =
    isDomainError(err) && err.issues?.length
      ? err.issues.map((i) => `${i.path}: ${i.message}`)
      : [
          status === 403
            ? `Invalid api_key received -- can't proceed with ${
                c.req.path.includes("servicerequestupdates")
                  ? "post_service_request_update"
                  : "create_request"
              }.`
            : err.message,
        ];
  c.res = undefined;
  c.res = errorResponse(format, status, messages);
});

/**
 * GeoReport clients send api_key as a form field, not in a header. The route still declares
 * "open311:write" and goes through the shared guard: this middleware lifts the form's api_key
 * into an `Authorization: Bearer` header, so the app's authenticator verifies it like any API key
 * (scope, revocation, tenant match) and no second key check exists in this module.
 */
const apiKeyFromForm = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.method !== "POST" || c.req.header("authorization")) return next();
  if (!(c.req.header("content-type") ?? "").startsWith("application/x-www-form-urlencoded"))
    return next();
  const body = await c.req.text();
  const key = new URLSearchParams(body).get("api_key");
  if (key) {
    const headers = new Headers(c.req.raw.headers);
    headers.set("authorization", `Bearer ${key}`);
    c.req.raw = new Request(c.req.raw.url, { method: "POST", headers, body });
  }
  await next();
});

export function registerOpen311(app: App): void {
  app.use(`/t/:tenant/open311/v2/*`, open311Errors);
  for (const f of formats) {
    app.use(`/t/:tenant/open311/v2/requests.${f}`, apiKeyFromForm);
    app.use(`/t/:tenant/open311/v2/servicerequestupdates.${f}`, apiKeyFromForm);
  }

  for (const f of formats) {
    const route = (path: string, summary: string) =>
      defineRoute({
        method: "get",
        path: `${BASE}/${path}.${f}`,
        permission: "public",
        tags: ["open311"],
        summary: `${summary} (${f.toUpperCase()})`,
        request: {
          params: z.object({ tenant: tenantParam }),
          query: querySchema,
        },
        responses: documents(summary),
      });
    app.openapi(route("discovery", "Service discovery"), (c) =>
      render(f, "discovery", discovery(new URL(c.req.url).origin, c.var.tenant?.slug ?? "")),
    );
    app.openapi(route("services", "Service list"), async (c) => {
      checkJurisdiction(c, c.req.query("jurisdiction_id"));
      return render(f, "services", await serviceList(ctxOf(c), english(c)));
    });
    app.openapi(route("requests", "Service requests"), async (c) => {
      const q = c.req.query();
      checkJurisdiction(c, q.jurisdiction_id);
      const status = list(q.status);
      if (status?.some((s) => s !== "open" && s !== "closed")) {
        throw new ValidationError("status is open or closed", [
          { path: "status", message: "invalid" },
        ]);
      }
      const ids = list(q.service_request_id)?.map((id) => {
        if (!/^[1-9][0-9]{0,15}$/.test(id))
          throw new ValidationError(`service_request_id ${id} is invalid`);
        return Number(id);
      });
      const start = date(q.start_date, "start_date");
      const end = date(q.end_date, "end_date");
      const serviceCodes = list(q.service_code);
      const found = await listRequests(
        ctxOf(c),
        {
          ...(ids ? { ids } : {}),
          ...(serviceCodes ? { serviceCodes } : {}),
          ...(status ? { status: status as ("open" | "closed")[] } : {}),
          ...(start ? { start } : {}),
          ...(end ? { end } : {}),
        },
        english(c),
      );
      return render(f, "service_requests", found);
    });
    app.openapi(
      route("servicerequestupdates", "Status updates (FixMyStreet extension)"),
      async (c) => {
        checkJurisdiction(c, c.req.query("jurisdiction_id"));
        const start = date(c.req.query("start_date"), "start_date");
        const end = date(c.req.query("end_date"), "end_date");
        const found = await listUpdates(ctxOf(c), english(c), start, end);
        return render(f, "service_requests_updates", found);
      },
    );
    app.openapi(
      defineRoute({
        method: "post",
        path: `${BASE}/servicerequestupdates.${f}`,
        permission: "open311:write",
        tags: ["open311"],
        summary: `Post a comment on a request (FixMyStreet extension, ${f.toUpperCase()}); api_key as a form field`,
        request: {
          params: z.object({ tenant: tenantParam }),
          body: {
            content: {
              "application/x-www-form-urlencoded": {
                schema: z.record(z.string(), z.string()),
              },
            },
          },
        },
        responses: documents("Our id of the update"),
      }),
      async (c) => {
        const form = new URLSearchParams(await c.req.text());
        checkJurisdiction(c, form.get("jurisdiction_id"));
        return render(f, "service_request_updates", await postClientUpdate(ctxOf(c), form));
      },
    );
    app.openapi(
      defineRoute({
        method: "post",
        path: `${BASE}/requests.${f}`,
        permission: "open311:write",
        tags: ["open311"],
        summary: `Create a service request (${f.toUpperCase()}); api_key as a form field`,
        request: {
          params: z.object({ tenant: tenantParam }),
          body: {
            content: {
              "application/x-www-form-urlencoded": {
                schema: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
              },
            },
          },
        },
        responses: documents("The created request's id"),
      }),
      async (c) => {
        const form = new URLSearchParams(await c.req.text());
        checkJurisdiction(c, form.get("jurisdiction_id"));
        return render(f, "service_requests", await createFromForm(ctxOf(c), form));
      },
    );
  }

  const byFile = (
    path: string,
    what: string,
    summary: string,
    fn: (c: Context<AppEnv>, id: string) => Promise<Node>,
    root: string,
  ) =>
    app.openapi(
      defineRoute({
        method: "get",
        path: `${BASE}/${path}/{file}`,
        permission: "public",
        tags: ["open311"],
        summary,
        request: { params: z.object({ tenant: tenantParam, file: fileParam(what) }) },
        responses: documents(summary),
      }),
      async (c) => {
        const file = c.req.param("file") ?? "";
        checkJurisdiction(c, c.req.query("jurisdiction_id"));
        const id = decodeURIComponent(file.replace(/\.(json|xml)$/, ""));
        return render(formatOf(file), root, await fn(c, id));
      },
    );
  byFile(
    "services",
    "service_code",
    "Service definition",
    (c, code) => serviceDefinition(ctxOf(c), code),
    "service_definition",
  );
  byFile(
    "requests",
    "service_request_id",
    "One service request",
    (c, id) => oneRequest(ctxOf(c), id, english(c)),
    "service_requests",
  );
  byFile(
    "tokens",
    "token",
    "Service request id from a token",
    (c, t) => tokenLookup(ctxOf(c), t),
    "service_requests",
  );
}
