import { z } from "@hono/zod-openapi";
import { ValidationError } from "@zhengyun/core";
import { type AppEnv, defineRoute } from "@zhengyun/http";
import type { Context } from "hono";
import type { PortalCtx } from "../context.ts";
import type { MaterialStore } from "../materials.ts";

export const BASE = "/t/{tenant}/api/v1/portal";

export const tenantParam = z
  .string()
  .openapi({ param: { name: "tenant", in: "path" }, example: "dongcheng" });
export const t = z.object({ tenant: tenantParam });
export const codeParam = z.object({ tenant: tenantParam, code: z.string().min(1).max(64) });
/** An application by numeric id or tracking number. */
export const idParam = z.object({ tenant: tenantParam, id: z.string().min(1).max(64) });

export const route = <const R extends Parameters<typeof defineRoute>[0]>(r: R) =>
  defineRoute({ tags: ["portal"], ...r });

/** The verbs' context from a request: tenant and principal were set by the middleware and guard. */
export function portalCtx(c: Context<AppEnv>): PortalCtx {
  const tenant = c.var.tenant;
  if (!tenant) throw new Error("tenant middleware did not run");
  const p = c.var.principal;
  return {
    db: c.var.deps.db,
    tenant,
    ...(c.var.deps.clock ? { clock: c.var.deps.clock } : {}),
    ...(p ? { actor: { id: p.id, kind: p.kind === "citizen" ? "citizen" : "staff" } } : {}),
    requestId: c.var.requestId,
  };
}

/** The app's object store, when it can presign and check uploads (the S3 store can). */
export function materialStore(c: Context<AppEnv>): MaterialStore | undefined {
  const s = c.var.deps.storage;
  return s && "presignUpload" in s ? (s as MaterialStore) : undefined;
}
export function requireStore(c: Context<AppEnv>): MaterialStore {
  const s = materialStore(c);
  if (!s) throw new ValidationError("File uploads are not configured");
  return s;
}

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});
export const jsonOk = <T extends z.ZodType>(description: string, schema: T) => ({
  description,
  content: { "application/json": { schema } },
});

/** Rows as JSON: Dates to ISO 8601 strings. */
export const toJson = <T>(v: T): unknown => JSON.parse(JSON.stringify(v));
