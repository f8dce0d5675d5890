import { z } from "@hono/zod-openapi";
import { authorize } from "@zhengyun/auth";
import { DomainError } from "@zhengyun/core";
import { type AppEnv, defineRoute } from "@zhengyun/http";
import type { Context } from "hono";
import type { CsCtx } from "../context.ts";

export const BASE = "/t/{tenant}/api/v1/community";
/** Resident routes: the signed-in citizen's own requests, bookings and area. */
export const ME = `${BASE}/me`;

export const tenantParam = z
  .string()
  .openapi({ param: { name: "tenant", in: "path" }, example: "dongcheng" });
export const t = z.object({ tenant: tenantParam });
export const idParam = z.object({ tenant: tenantParam, id: z.coerce.number().int().positive() });
export const textId = z.object({ tenant: tenantParam, id: z.string().min(1).max(64) });

export const route = <const R extends Parameters<typeof defineRoute>[0]>(r: R) =>
  defineRoute({ tags: ["community"], ...r });

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});
export const jsonOk = <T extends z.ZodType>(description: string, schema: T) => ({
  description,
  content: { "application/json": { schema } },
});

/** The verbs' context: staff act as staff, citizens as residents (tenant checked by the guard). */
export function csCtx(c: Context<AppEnv>): CsCtx {
  const tenant = c.var.tenant;
  if (!tenant) throw new Error("tenant middleware did not run");
  const p = c.var.principal;
  return {
    db: c.var.deps.db,
    tenant,
    ...(c.var.deps.clock ? { clock: c.var.deps.clock } : {}),
    ...(p ? { actor: { id: p.id, role: p.kind === "citizen" ? "resident" : "staff" } } : {}),
    requestId: c.var.requestId,
  };
}

export function userOf(c: Context<AppEnv>): string {
  const p = c.var.principal;
  if (!p) throw new DomainError("unauthenticated", "Sign in first");
  return p.id;
}

/** Tenant admins manage the whole centre tree; community staff their own subtrees. */
export function isTenantAdmin(c: Context<AppEnv>): boolean {
  const now = (c.var.deps.clock ?? { now: () => new Date() }).now();
  return authorize(c.var.principal, "tenant.settings:manage", c.var.tenant ?? null, now);
}

/** Rows as JSON: Dates to ISO 8601 strings. */
export const toJson = <T>(v: T): unknown => JSON.parse(JSON.stringify(v));
