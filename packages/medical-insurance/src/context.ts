import { writeAudit } from "@zhengyun/audit";
import { ValidationError } from "@zhengyun/core";
import type { Database, Tx } from "@zhengyun/db";
import type { TenantRef } from "@zhengyun/tenancy";
import type { z } from "zod";

/** Who runs a verb, and where: every verb takes this explicitly (no ambient tenant). */
export interface MiCtx {
  db: Database;
  tenant: TenantRef;
  actorId?: string | null;
  actorRole?: string | null;
  requestId?: string | null;
}

/** Audit record of a medical-insurance action in the caller's tenant transaction. */
export function audit(
  tx: Tx,
  ctx: MiCtx,
  action: string,
  objectType: string,
  objectId: string,
  data?: Record<string, unknown>,
): Promise<string> {
  return writeAudit(tx, {
    actorId: ctx.actorId ?? null,
    actorRole: ctx.actorRole ?? null,
    tenantId: ctx.tenant.id,
    action,
    objectType,
    objectId,
    requestId: ctx.requestId ?? null,
    ...(data ? { data } : {}),
  });
}

/** zod → ValidationError with field paths, so bad input answers 400 and writes nothing. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  throw new ValidationError(issues.map((i) => `${i.path}: ${i.message}`).join("; "), issues);
}
