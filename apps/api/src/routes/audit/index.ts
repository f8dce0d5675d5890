import { z } from "@hono/zod-openapi";
import {
  auditKeyFrom,
  exportAuditCsv,
  exportAuditJsonl,
  purgeAudit,
  queryAudit,
  writeAudit,
} from "@zhengyun/audit";
import { PreconditionFailedError } from "@zhengyun/core";
import type { Tx } from "@zhengyun/db";
import { type ApiModule, type App, type AppEnv, defineRoute } from "@zhengyun/http";
import { withPlatform, withTenant } from "@zhengyun/tenancy";
import type { Context } from "hono";
import { principalOf, requestMeta } from "../admin/context.ts";
import {
  auditListQuery,
  auditPageSchema,
  entryView,
  purgeBody,
  purgeResult,
  range,
} from "./schemas.ts";

type C = Context<AppEnv>;
const formats = {
  csv: { type: "text/csv; charset=utf-8", ext: "csv", rows: exportAuditCsv },
  jsonl: { type: "application/x-ndjson; charset=utf-8", ext: "jsonl", rows: exportAuditJsonl },
};

/**
 * Audit routes for auditors only (separation of duties): the vendor's audit admin on the vendor
 * chain, a tenant's auditor on that tenant's chain. Operators and security admins hold no audit
 * permission, so the route guard refuses them.
 */
function auditRoutes(scope: "vendor" | "tenant") {
  const base = scope === "vendor" ? "/api/v1/audit" : "/t/{tenant}/api/v1/audit";
  const prefix = scope === "vendor" ? "platform" : "tenant";
  const params = scope === "vendor" ? z.object({}) : z.object({ tenant: z.string() });
  const tags = ["audit"];
  return {
    list: defineRoute({
      method: "get",
      path: base,
      permission: `${prefix}.audit:read`,
      tags,
      summary: "Browse audit records by time range, actor and action; export as CSV or JSON lines",
      request: { params, query: auditListQuery },
      responses: {
        200: {
          description: "a page (json) or the whole range streamed (csv, jsonl)",
          content: {
            "application/json": { schema: auditPageSchema },
            "text/csv": { schema: z.string() },
            "application/x-ndjson": { schema: z.string() },
          },
        },
      },
    }),
    purge: defineRoute({
      method: "post",
      path: `${base}/purge`,
      permission: `${prefix}.audit:purge`,
      tags,
      summary: "Delete records older than 180 days (the chain must verify; the purge is audited)",
      request: {
        params,
        body: { required: true, content: { "application/json": { schema: purgeBody } } },
      },
      responses: {
        200: { description: "purged", content: { "application/json": { schema: purgeResult } } },
      },
    }),
  };
}

export const vendorAuditRoutes = auditRoutes("vendor");
export const tenantAuditRoutes = auditRoutes("tenant");

/** Runs `fn` on the chain's log: the tenant's schema, or the control plane under the runtime role. */
function onChain<T>(c: C, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const t = c.var.tenant;
  return t ? withTenant(c.var.deps.db, t, fn) : withPlatform(c.var.deps.db, fn);
}

/**
 * Streams the export from inside one transaction (a consistent snapshot of the range); the export
 * is itself recorded. A client that goes away aborts the stream, which ends the transaction.
 */
function streamExport(c: C, format: keyof typeof formats, q: ReturnType<typeof range>) {
  const f = formats[format];
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const enc = new TextEncoder();
  const p = principalOf(c);
  onChain(c, async (tx) => {
    await writeAudit(tx, {
      action: "audit.export",
      actorId: p.id,
      actorRole: p.roles.join(",") || null,
      tenantId: c.var.tenant?.id ?? null,
      objectType: "audit_log",
      data: {
        format,
        from: q.from.toISOString(),
        to: q.to.toISOString(),
        actorId: q.actorId ?? null,
        action: q.action ?? null,
      },
      ...requestMeta(c),
    });
    for await (const chunk of f.rows(tx, q)) await writer.write(enc.encode(chunk));
  }).then(
    () => writer.close(),
    (err) => {
      c.var.logger.error({ requestId: c.var.requestId, err: String(err) }, "audit export failed");
      return writer.abort(err).catch(() => {});
    },
  );
  const name = `audit-${c.var.tenant?.slug ?? "vendor"}-${q.from.toISOString().slice(0, 10)}.${f.ext}`;
  return c.body(readable, 200, {
    "Content-Type": f.type,
    "Content-Disposition": `attachment; filename="${name}"`,
    "Cache-Control": "no-store",
  });
}

function register(app: App, scope: "vendor" | "tenant") {
  const r = scope === "vendor" ? vendorAuditRoutes : tenantAuditRoutes;
  app.openapi(r.list, async (c) => {
    const query = c.req.valid("query");
    const q = range(query, c.var.deps.clock?.now() ?? new Date());
    if (query.format !== "json") return streamExport(c, query.format, q);
    const page = await onChain(c, (tx) =>
      queryAudit(tx, {
        ...q,
        limit: query.limit,
        ...(query.cursor ? { cursor: query.cursor } : {}),
      }),
    );
    return c.json({ items: page.items.map(entryView), nextCursor: page.nextCursor }, 200);
  });
  app.openapi(r.purge, async (c) => {
    const { secrets, db, clock } = c.var.deps;
    if (!secrets) throw new PreconditionFailedError("The audit key is not configured here");
    const p = principalOf(c);
    const meta = requestMeta(c);
    const result = await purgeAudit(
      db,
      c.var.tenant ?? "vendor",
      auditKeyFrom(c.var.deps.config, secrets),
      {
        before: new Date(c.req.valid("json").before),
        now: clock?.now() ?? new Date(),
        actorId: p.id,
        ...(p.roles.length ? { actorRole: p.roles.join(",") } : {}),
        ...meta,
      },
    );
    return c.json(purgeResult.parse(result), 200);
  });
}

export const auditModule: ApiModule = {
  name: "audit",
  register(app: App) {
    register(app, "vendor");
    register(app, "tenant");
  },
};
