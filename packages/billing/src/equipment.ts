import { writeAudit } from "@zhengyun/audit";
import { ConflictError, NotFoundError, newId, ValidationError } from "@zhengyun/core";
import { type Database, platformSchema } from "@zhengyun/db";
import { withPlatform } from "@zhengyun/tenancy";
import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { type Actor, loadTenant, parseInput } from "./actor.ts";
import { type Ratio, ratio } from "./money.ts";

const { equipment } = platformSchema;

const fen = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const equipmentInput = z
  .object({
    tenant: z.string().min(1),
    item: z.string().trim().min(1).max(200),
    serial: z.string().trim().min(1).max(100),
    location: z.string().trim().min(1).max(200),
    acquisitionCostFen: fen,
    residualValueFen: fen,
    installedOn: z.iso.date(),
    renewalCycleMonths: z.number().int().min(1, "a renewal cycle is at least one month").max(240),
    taxCategory: z.string().min(1).default("equipment_leasing"),
  })
  .refine((e) => e.residualValueFen <= e.acquisitionCostFen, {
    path: ["residualValueFen"],
    message: "cannot exceed the acquisition cost",
  });
export type EquipmentInput = z.input<typeof equipmentInput>;

/** The monthly renewal fee, exact: (cost − residual) ÷ cycle months. */
export const monthlyRenewal = (e: {
  acquisitionCostFen: number;
  residualValueFen: number;
  renewalCycleMonths: number;
}): Ratio => ratio(e.acquisitionCostFen - e.residualValueFen, e.renewalCycleMonths);

/** Registers vendor equipment placed at a tenant (serial numbers are unique: 409 on reuse). */
export async function registerEquipment(
  db: Database,
  input: EquipmentInput,
  actor: Actor = {},
): Promise<platformSchema.Equipment> {
  const v = parseInput(equipmentInput, input);
  return withPlatform(db, async (tx) => {
    const tenant = await loadTenant(tx, v.tenant);
    const [dup] = await tx
      .select({ id: equipment.id })
      .from(equipment)
      .where(eq(equipment.serial, v.serial));
    if (dup) throw new ConflictError(`Serial ${v.serial} is already registered`);
    const { tenant: _, ...fields } = v;
    const [row] = await tx
      .insert(equipment)
      .values({ id: newId("eqp"), tenantId: tenant.id, ...fields })
      .returning();
    if (!row) throw new Error("equipment insert returned nothing");
    await writeAudit(tx, {
      ...actor,
      tenantId: tenant.id,
      action: "billing.equipment.register",
      objectType: "equipment",
      objectId: row.id,
      data: { serial: v.serial, item: v.item, location: v.location },
    });
    return row;
  });
}

/** Retires an item: it is billed up to the day before retiredOn. */
export async function retireEquipment(
  db: Database,
  input: { tenant: string; id: string; retiredOn: string },
  actor: Actor = {},
): Promise<platformSchema.Equipment> {
  const v = parseInput(
    z.object({ tenant: z.string(), id: z.string(), retiredOn: z.iso.date() }),
    input,
  );
  return withPlatform(db, async (tx) => {
    const tenant = await loadTenant(tx, v.tenant);
    const [item] = await tx
      .select()
      .from(equipment)
      .where(and(eq(equipment.id, v.id), eq(equipment.tenantId, tenant.id)));
    if (!item) throw new NotFoundError(`No equipment ${v.id}`);
    if (item.status === "retired") throw new ConflictError(`Equipment ${v.id} is already retired`);
    if (v.retiredOn < item.installedOn) {
      throw new ValidationError("retiredOn is before the install date", [
        { path: "retiredOn", message: "before installedOn" },
      ]);
    }
    const [row] = await tx
      .update(equipment)
      .set({ status: "retired", retiredOn: v.retiredOn, updatedAt: new Date() })
      .where(eq(equipment.id, v.id))
      .returning();
    if (!row) throw new Error("equipment update returned nothing");
    await writeAudit(tx, {
      ...actor,
      tenantId: tenant.id,
      action: "billing.equipment.retire",
      objectType: "equipment",
      objectId: row.id,
      data: { retiredOn: v.retiredOn },
    });
    return row;
  });
}

export async function listEquipment(
  db: Database,
  tenantRef: string,
): Promise<platformSchema.Equipment[]> {
  return withPlatform(db, async (tx) => {
    const tenant = await loadTenant(tx, tenantRef);
    return tx
      .select()
      .from(equipment)
      .where(eq(equipment.tenantId, tenant.id))
      .orderBy(asc(equipment.installedOn));
  });
}
