import { writeAudit } from "@zhengyun/audit";
import { ValidationError } from "@zhengyun/core";
import type { Tx } from "@zhengyun/db";
import { withTenant } from "@zhengyun/tenancy";
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { auditActor, type CsCtx, parse } from "./context.ts";
import { centreLevels, csServices, type ServiceRow } from "./schema.ts";

export const datatypes = [
  "string",
  "number",
  "datetime",
  "text",
  "singlevaluelist",
  "multivaluelist",
] as const;

const attributeInput = z
  .object({
    code: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    variable: z.boolean().default(true),
    datatype: z.enum(datatypes),
    required: z.boolean().default(false),
    datatypeDescription: z.string().max(500).nullable().default(null),
    order: z.number().int().min(1),
    description: z.string().min(1).max(2000),
    values: z
      .array(z.object({ key: z.string().min(1).max(100), name: z.string().min(1).max(200) }))
      .default([]),
  })
  .refine((a) => !a.datatype.endsWith("valuelist") || a.values.length > 0, {
    message: "list attributes need values",
    path: ["values"],
  });

export const serviceInput = z.object({
  code: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/),
  group: z.string().max(100).nullish(),
  nameZh: z.string().trim().min(1).max(200),
  nameEn: z.string().trim().min(1).max(200),
  description: z.string().max(4000).nullish(),
  keywords: z.string().max(500).nullish(),
  level: z.enum(centreLevels),
  slaUnit: z.enum(["hours", "days"]),
  slaAmount: z.number().int().positive().max(365),
  attributes: z.array(attributeInput).default([]),
  active: z.boolean().default(true),
});
export type ServiceInput = z.input<typeof serviceInput>;

/** Creates or replaces a service (the catalogue editor saves whole services). */
export async function saveService({ ctx, input }: { ctx: CsCtx; input: unknown }) {
  const i = parse(serviceInput, input);
  const codes = i.attributes.map((a) => a.code);
  if (new Set(codes).size !== codes.length) {
    throw new ValidationError("Attribute codes must be unique", [
      { path: "attributes", message: "duplicate code" },
    ]);
  }
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const row = { ...i, group: i.group ?? null, description: i.description ?? null };
    const [saved] = await tx
      .insert(csServices)
      .values(row)
      .onConflictDoUpdate({ target: csServices.code, set: row })
      .returning();
    await writeAudit(tx, {
      ...auditActor(ctx),
      action: "cs.service.save",
      objectType: "cs_service",
      objectId: i.code,
    });
    return saved as ServiceRow;
  });
}

export const listServices = (tx: Tx): Promise<ServiceRow[]> =>
  tx.select().from(csServices).where(eq(csServices.active, true)).orderBy(asc(csServices.code));

export async function findService(tx: Tx, code: string): Promise<ServiceRow | undefined> {
  const [row] = await tx.select().from(csServices).where(eq(csServices.code, code));
  return row?.active ? row : undefined;
}
