import { type Clock, systemClock, ValidationError } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import type { TenantRef } from "@zhengyun/tenancy";
import type { z } from "zod";

/** Who acts: staff by platform user id; residents and API clients are recorded for audit. */
export interface Actor {
  id: string;
  role: "staff" | "resident" | "apikey" | "system";
}

export interface CsCtx {
  db: Database;
  tenant: TenantRef;
  clock?: Clock;
  actor?: Actor;
  requestId?: string;
}

export const nowOf = (ctx: CsCtx): Date => (ctx.clock ?? systemClock).now();

/** Parses verb input; bad input is a ValidationError listing every field, and nothing is written. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  throw new ValidationError(issues.map((i) => `${i.path}: ${i.message}`).join("; "), issues);
}

export const auditActor = (ctx: CsCtx) => ({
  actorId: ctx.actor?.id ?? null,
  actorRole: ctx.actor?.role ?? null,
  tenantId: ctx.tenant.id,
  requestId: ctx.requestId ?? null,
});
