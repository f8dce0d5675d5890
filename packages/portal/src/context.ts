import { type Clock, systemClock, ValidationError } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import type { TenantRef } from "@zhengyun/tenancy";
import type { z } from "zod";

/**
 * Who acts. `staff` carries the caller's permissions so a verb shared by citizens and staff (read
 * an application) can tell an officer from the applicant.
 */
export interface Actor {
  id: string;
  kind: "staff" | "citizen" | "system";
  name?: string;
}

export interface PortalCtx {
  db: Database;
  tenant: TenantRef;
  clock?: Clock;
  actor?: Actor;
  requestId?: string;
}

export const nowOf = (ctx: PortalCtx): Date => (ctx.clock ?? systemClock).now();

/** Parses verb input; bad input is a ValidationError listing every field, and nothing is written. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  throw new ValidationError(issues.map((i) => `${i.path}: ${i.message}`).join("; "), issues);
}

export const auditActor = (ctx: PortalCtx) => ({
  actorId: ctx.actor?.id ?? null,
  actorRole: ctx.actor?.kind ?? null,
  tenantId: ctx.tenant.id,
  requestId: ctx.requestId ?? null,
});
