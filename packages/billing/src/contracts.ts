import { writeAudit } from "@zhengyun/audit";
import { newId } from "@zhengyun/core";
import { type Database, platformSchema } from "@zhengyun/db";
import { withPlatform } from "@zhengyun/tenancy";
import { and, desc, eq, gt, isNull, lte, or } from "drizzle-orm";
import { z } from "zod";
import { type Actor, loadTenant, parseInput } from "./actor.ts";
import { foreignKeyAs400 } from "./catalog.ts";

const { contracts, contractModules, tenantCharges, oneOffFees } = platformSchema;

export const contractInput = z.object({
  tenant: z.string().min(1),
  startsOn: z.iso.date(),
  endsOn: z.iso.date().nullable().default(null),
  accrueWhileSuspended: z.boolean().default(true),
  discountBp: z.number().int().min(0).max(10_000).default(0),
  modules: z
    .array(
      z.object({
        module: z.string().min(1),
        monthlyFenOverride: z.number().int().nonnegative().nullable().default(null),
        discountBp: z.number().int().min(0).max(10_000).nullable().default(null),
      }),
    )
    .min(1),
  /** One-off fees charged on the start day (e.g. "onboarding"). */
  oneOffFees: z.array(z.string()).default([]),
});
export type ContractInput = z.input<typeof contractInput>;

/** Signs a tenant's contract: the modules it may subscribe, overrides, discounts, one-off fees. */
export async function createContract(
  db: Database,
  input: ContractInput,
  actor: Actor = {},
): Promise<platformSchema.Contract> {
  const v = parseInput(contractInput, input);
  return withPlatform(db, async (tx) => {
    const tenant = await loadTenant(tx, v.tenant);
    const id = newId("ctr");
    const [row] = await tx
      .insert(contracts)
      .values({
        id,
        tenantId: tenant.id,
        startsOn: v.startsOn,
        endsOn: v.endsOn,
        accrueWhileSuspended: v.accrueWhileSuspended,
        discountBp: v.discountBp,
      })
      .returning();
    await tx
      .insert(contractModules)
      .values(v.modules.map((m) => ({ contractId: id, ...m })))
      .catch(foreignKeyAs400("modules"));
    for (const code of v.oneOffFees) {
      const [fee] = await tx.select().from(oneOffFees).where(eq(oneOffFees.code, code));
      if (!fee) await foreignKeyAs400("oneOffFees")({ code: "23503" });
      if (!fee) continue;
      await tx.insert(tenantCharges).values({
        id: newId("chg"),
        tenantId: tenant.id,
        kind: "one_off",
        feeCode: fee.code,
        description: fee.nameZh,
        amountFen: fee.amountFen,
        taxCategory: fee.taxCategory,
        chargeOn: v.startsOn,
        createdBy: actor.actorId ?? null,
      });
    }
    await writeAudit(tx, {
      ...actor,
      tenantId: tenant.id,
      action: "billing.contract.create",
      objectType: "contract",
      objectId: id,
      data: { modules: v.modules.map((m) => m.module), startsOn: v.startsOn },
    });
    if (!row) throw new Error("contract insert returned nothing");
    return row;
  });
}

/** The contract in force on a day, with its modules; undefined when there is none. */
export async function contractOn(
  tx: Parameters<Parameters<typeof withPlatform>[1]>[0],
  tenantId: string,
  on: string,
) {
  const [c] = await tx
    .select()
    .from(contracts)
    .where(
      and(
        eq(contracts.tenantId, tenantId),
        lte(contracts.startsOn, on),
        or(isNull(contracts.endsOn), gt(contracts.endsOn, on)),
      ),
    )
    .orderBy(desc(contracts.startsOn))
    .limit(1);
  if (!c) return undefined;
  const modules = await tx
    .select()
    .from(contractModules)
    .where(eq(contractModules.contractId, c.id));
  return { ...c, modules };
}
