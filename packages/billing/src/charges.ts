import { writeAudit } from "@zhengyun/audit";
import { newId, ValidationError } from "@zhengyun/core";
import { type Database, platformSchema } from "@zhengyun/db";
import { withPlatform } from "@zhengyun/tenancy";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { type Actor, loadTenant, parseInput } from "./actor.ts";

const { tenantCharges, taxCategories } = platformSchema;

export const chargeInput = z
  .object({
    tenant: z.string().min(1),
    kind: z.enum(["one_off", "adjustment"]),
    description: z.string().trim().min(1).max(200),
    amountFen: z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
    taxCategory: z.string().min(1).default("it_services"),
    chargeOn: z.iso.date(),
    reason: z.string().trim().max(500).optional(),
  })
  .refine((c) => c.kind === "adjustment" || c.amountFen >= 0, {
    path: ["amountFen"],
    message: "a one-off fee cannot be negative (use an adjustment)",
  })
  .refine((c) => c.kind === "one_off" || (c.reason ?? "") !== "", {
    path: ["reason"],
    message: "an adjustment needs a reason",
  });

/** A one-off fee or an adjustment for the invoice of the month containing chargeOn. */
export async function addCharge(
  db: Database,
  input: z.input<typeof chargeInput>,
  actor: Actor = {},
): Promise<platformSchema.TenantCharge> {
  const v = parseInput(chargeInput, input);
  return withPlatform(db, async (tx) => {
    const tenant = await loadTenant(tx, v.tenant);
    const [cat] = await tx
      .select()
      .from(taxCategories)
      .where(eq(taxCategories.code, v.taxCategory));
    if (!cat) throw new ValidationError(`Unknown tax category ${v.taxCategory}`);
    const [row] = await tx
      .insert(tenantCharges)
      .values({
        id: newId("chg"),
        tenantId: tenant.id,
        kind: v.kind,
        description: v.description,
        amountFen: v.amountFen,
        taxCategory: v.taxCategory,
        chargeOn: v.chargeOn,
        details: v.reason ? { reason: v.reason } : null,
        createdBy: actor.actorId ?? null,
      })
      .returning();
    if (!row) throw new Error("charge insert returned nothing");
    await writeAudit(tx, {
      ...actor,
      tenantId: tenant.id,
      action: `billing.charge.${v.kind}`,
      objectType: "tenant_charge",
      objectId: row.id,
      data: { amountFen: v.amountFen, chargeOn: v.chargeOn, reason: v.reason ?? null },
    });
    return row;
  });
}
