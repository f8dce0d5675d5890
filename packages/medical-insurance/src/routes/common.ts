import { z } from "@hono/zod-openapi";
import type { AppEnv } from "@zhengyun/http";
import type { Context } from "hono";
import type { MiCtx } from "../context.ts";

export const BASE = "/t/{tenant}/api/v1/medical";

export const tenantParam = z
  .string()
  .openapi({ param: { name: "tenant", in: "path" }, example: "dongcheng" });

/** The verbs' context from a request: tenant and principal were set by the middleware and guard. */
export function miCtx(c: Context<AppEnv>): MiCtx {
  const tenant = c.var.tenant;
  if (!tenant) throw new Error("tenant middleware did not run");
  return {
    db: c.var.deps.db,
    tenant,
    actorId: c.var.principal?.id ?? null,
    actorRole: c.var.principal?.roles[0] ?? c.var.principal?.kind ?? null,
    requestId: c.var.requestId,
  };
}

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});
export const jsonOk = <T extends z.ZodType>(description: string, schema: T) => ({
  description,
  content: { "application/json": { schema } },
});

/** Dates and bigint-mode numbers as JSON: timestamps in ISO 8601. */
export const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export const importReportSchema = z
  .object({
    rows: z.number().int(),
    imported: z.number().int(),
    rejected: z.number().int(),
    errors: z.array(
      z.object({
        line: z.number().int(),
        ref: z.string().optional(),
        errors: z.array(z.object({ path: z.string(), message: z.string() })),
      }),
    ),
  })
  .openapi("MiImportReport");
