import { NotFoundError, ValidationError } from "@zhengyun/core";
import type { Tx } from "@zhengyun/db";
import { withTenant } from "@zhengyun/tenancy";
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { audit, type MiCtx, parseInput } from "./context.ts";
import { levels } from "./params.ts";
import { type MiInstitution, miInstitutions } from "./schema.ts";

export const institutionInput = z.object({
  code: z.string().regex(/^[A-Z0-9]{4,20}$/, "4–20 upper-case letters or digits"),
  name: z.string().min(1).max(200),
  level: z.enum(levels),
  type: z.enum(["hospital", "pharmacy"]),
  status: z.enum(["active", "suspended"]).default("active"),
});
export type InstitutionInput = z.input<typeof institutionInput>;

/** Creates or updates a designated institution (定点医药机构). */
export async function upsertInstitution(
  ctx: MiCtx,
  input: InstitutionInput,
): Promise<MiInstitution> {
  const v = parseInput(institutionInput, input);
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const [row] = await tx
      .insert(miInstitutions)
      .values(v)
      .onConflictDoUpdate({
        target: miInstitutions.code,
        set: { name: v.name, level: v.level, type: v.type, status: v.status },
      })
      .returning();
    await audit(tx, ctx, "mi.institution.upsert", "mi_institution", v.code, v);
    return row as MiInstitution;
  });
}

export function listInstitutions(ctx: MiCtx): Promise<MiInstitution[]> {
  return withTenant(ctx.db, ctx.tenant, (tx) =>
    tx.select().from(miInstitutions).orderBy(asc(miInstitutions.code)),
  );
}

/** The institution a claim names; unknown or suspended ones are refused as bad input. */
export async function activeInstitution(tx: Tx, code: string): Promise<MiInstitution> {
  const [row] = await tx.select().from(miInstitutions).where(eq(miInstitutions.code, code));
  if (!row) {
    throw new ValidationError(`Unknown institution "${code}"`, [
      { path: "institutionCode", message: "no such designated institution" },
    ]);
  }
  if (row.status !== "active") {
    throw new ValidationError(`Institution "${code}" is suspended`, [
      { path: "institutionCode", message: "institution is not active" },
    ]);
  }
  return row;
}

export async function getInstitution(ctx: MiCtx, code: string): Promise<MiInstitution> {
  const [row] = await withTenant(ctx.db, ctx.tenant, (tx) =>
    tx.select().from(miInstitutions).where(eq(miInstitutions.code, code)),
  );
  if (!row) throw new NotFoundError(`No institution "${code}"`);
  return row;
}
