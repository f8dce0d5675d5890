import {
  createContract,
  createPriceVersion,
  ensureBillingCatalog,
  type PriceVersionInput,
  registerEquipment,
  subscribe,
} from "@zhengyun/billing";
import { type Database, platformSchema } from "@zhengyun/db";
import { eq } from "drizzle-orm";

/** Since when the demo contracts, subscriptions and prices run (before any demo usage). */
export const DEMO_BILLING_START = "2025-01-01";

/** List prices in fen per month by tenant level, allowances and overage prices per meter. */
export const DEMO_PRICES: PriceVersionInput[] = [
  {
    module: "portal",
    effectiveFrom: DEMO_BILLING_START,
    rental: { city: 3_000_000, district: 1_500_000, street: 500_000 },
    meters: [
      {
        meter: "api.requests",
        includedQuantity: "300000",
        model: "graduated",
        tiers: [
          { upTo: 1_000_000, unitPriceFen: "0.02" },
          { upTo: null, unitPriceFen: "0.01" },
        ],
      },
      {
        meter: "portal.applications",
        includedQuantity: "200",
        model: "per_unit",
        unitPriceFen: "500",
      },
      { meter: "storage.bytes", includedQuantity: "50", model: "per_unit", unitPriceFen: "100" },
      {
        meter: "terminal.transactions",
        includedQuantity: "5000",
        model: "per_unit",
        unitPriceFen: "5",
      },
    ],
  },
  {
    module: "medical_insurance",
    effectiveFrom: DEMO_BILLING_START,
    rental: { city: 5_000_000, district: 2_500_000, street: 800_000 },
    meters: [
      {
        meter: "mi.settlements",
        includedQuantity: "200",
        model: "package",
        packageSize: "1000",
        packagePriceFen: 50_000,
      },
    ],
  },
  {
    module: "community",
    effectiveFrom: DEMO_BILLING_START,
    rental: { city: 2_000_000, district: 1_000_000, street: 400_000 },
    meters: [
      { meter: "cs.requests", includedQuantity: "100", model: "per_unit", unitPriceFen: "200" },
    ],
  },
];

/** Price versions for the demo catalog, unless the module already has one. */
export async function ensureDemoPrices(db: Database): Promise<void> {
  await ensureBillingCatalog(db);
  for (const p of DEMO_PRICES) {
    const [any] = await db.orm
      .select({ id: platformSchema.priceVersions.id })
      .from(platformSchema.priceVersions)
      .where(eq(platformSchema.priceVersions.module, p.module))
      .limit(1);
    if (!any) await createPriceVersion(db, p);
  }
}

/**
 * Gives each demo tenant a contract for every module, subscriptions and self-service terminals
 * in its street service centres, so a run over the previous month drafts real invoices.
 * Idempotent: a tenant that already has a contract is left as it is.
 */
export async function seedDemoBilling(
  db: Database,
  tenants: readonly { id: string; slug: string; name: string; level: string }[],
): Promise<void> {
  await ensureDemoPrices(db);
  for (const t of tenants) {
    const [has] = await db.orm
      .select({ id: platformSchema.contracts.id })
      .from(platformSchema.contracts)
      .where(eq(platformSchema.contracts.tenantId, t.id))
      .limit(1);
    if (has) continue;
    await createContract(db, {
      tenant: t.id,
      startsOn: DEMO_BILLING_START,
      accrueWhileSuspended: false,
      modules: DEMO_PRICES.map((p) => ({ module: p.module })),
      oneOffFees: ["onboarding"],
    });
    for (const p of DEMO_PRICES) {
      await subscribe(db, { tenant: t.id, module: p.module, startsOn: DEMO_BILLING_START });
    }
    const terminals = t.level === "city" ? 3 : t.level === "district" ? 2 : 1;
    for (let i = 1; i <= terminals; i++) {
      await registerEquipment(db, {
        tenant: t.id,
        item: "政务服务自助终端",
        serial: `ZY-${t.slug}-T${String(i).padStart(2, "0")}`,
        location: `${t.name}第${i}街道便民服务中心`,
        acquisitionCostFen: 4_800_000,
        residualValueFen: 600_000,
        installedOn: "2025-06-01",
        renewalCycleMonths: 36,
      });
    }
  }
}
