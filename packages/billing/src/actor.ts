import { NotFoundError, ValidationError } from "@zhengyun/core";
import { platformSchema, type Tx } from "@zhengyun/db";
import { eq, or } from "drizzle-orm";
import type { z } from "zod";

/** Who acts, for the audit record (CLI: none; HTTP: the principal and request id). */
export interface Actor {
  actorId?: string | null;
  actorRole?: string | null;
  requestId?: string | null;
}

/** Parses verb input; bad input is a 400 with field issues and nothing written. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  throw new ValidationError(
    `Invalid input: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
    issues,
  );
}

/** A billable tenant by id or slug; unknown (or offboarded) → 404. */
export async function loadTenant(tx: Tx, ref: string): Promise<platformSchema.Tenant> {
  const { tenants } = platformSchema;
  const [t] = await tx
    .select()
    .from(tenants)
    .where(or(eq(tenants.id, ref), eq(tenants.slug, ref)));
  if (!t || t.status === "offboarded") throw new NotFoundError(`No tenant "${ref}"`);
  return t;
}
