import { newId, PreconditionFailedError } from "@zhengyun/core";
import type { Tx } from "@zhengyun/db";
import { withTenant } from "@zhengyun/tenancy";
import { and, asc, desc, eq, lte } from "drizzle-orm";
import { z } from "zod";
import { isoDate } from "./claim.ts";
import { audit, type MiCtx, parseInput } from "./context.ts";
import { type Policy, policySchema } from "./params.ts";
import { miParameters } from "./schema.ts";

export const scheme = z.enum(["310", "390"]);

export const parametersInput = z
  .object({
    year: z.number().int().min(2000).max(2100),
    scheme,
    effectiveFrom: isoDate,
    params: policySchema,
  })
  .refine((v) => v.effectiveFrom.startsWith(String(v.year)), {
    path: ["effectiveFrom"],
    message: "must fall in the parameter year",
  });
export type ParametersInput = z.input<typeof parametersInput>;

export interface ParameterSet {
  id: string;
  year: number;
  scheme: "310" | "390";
  effectiveFrom: string;
  params: Policy;
}

/** Sets a year's parameters for a scheme from a date on (the same date again replaces them). */
export async function setParameters(ctx: MiCtx, input: ParametersInput): Promise<ParameterSet> {
  const v = parseInput(parametersInput, input);
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const [row] = await tx
      .insert(miParameters)
      .values({ id: newId("mip"), ...v })
      .onConflictDoUpdate({
        target: [miParameters.year, miParameters.scheme, miParameters.effectiveFrom],
        set: { params: v.params },
      })
      .returning();
    await audit(tx, ctx, "mi.parameters.set", "mi_parameters", row?.id ?? "", {
      year: v.year,
      scheme: v.scheme,
      effectiveFrom: v.effectiveFrom,
    });
    return row as ParameterSet;
  });
}

export function listParameters(ctx: MiCtx, year?: number): Promise<ParameterSet[]> {
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const rows = await tx
      .select()
      .from(miParameters)
      .where(year === undefined ? undefined : eq(miParameters.year, year))
      .orderBy(asc(miParameters.year), asc(miParameters.scheme), asc(miParameters.effectiveFrom));
    return rows as ParameterSet[];
  });
}

/** The parameters in force for a scheme on a date (latest effective_from of that year). */
export async function policyFor(tx: Tx, schemeCode: string, date: string): Promise<Policy> {
  const [row] = await tx
    .select({ params: miParameters.params })
    .from(miParameters)
    .where(
      and(
        eq(miParameters.year, Number(date.slice(0, 4))),
        eq(miParameters.scheme, schemeCode as "310"),
        lte(miParameters.effectiveFrom, date),
      ),
    )
    .orderBy(desc(miParameters.effectiveFrom))
    .limit(1);
  if (!row) {
    throw new PreconditionFailedError(`No ${schemeCode} parameters in force on ${date}`);
  }
  return row.params as Policy;
}
