import { createPriceVersion, ensureBillingCatalog } from "@zhengyun/billing";
import type { Database } from "@zhengyun/db";
import { ensureMeters } from "@zhengyun/metering";
import type { DriverName } from "../harness/index.ts";
import { openScratchDatabase } from "../harness/scratch-database.ts";

/**
 * Billing suites get a database of their own: the catalog is global (one price version per module
 * and date) and a run without a tenant bills every tenant in the database.
 */
export async function openBillingDatabase(driver: DriverName) {
  const scratch = await openScratchDatabase(driver);
  await ensureMeters(scratch.db);
  await ensureBillingCatalog(scratch.db);
  return scratch;
}

/** Prices used by the scenarios: round numbers so expected fen are easy to check by hand. */
export async function seedPrices(db: Database): Promise<void> {
  await createPriceVersion(db, {
    module: "portal",
    effectiveFrom: "2026-01-01",
    rental: { city: 620_000, district: 310_000, street: 155_000 },
    meters: [
      {
        meter: "api.requests",
        includedQuantity: "1000",
        model: "graduated",
        tiers: [
          { upTo: 1000, unitPriceFen: "2" },
          { upTo: null, unitPriceFen: "1" },
        ],
      },
      {
        meter: "portal.applications",
        includedQuantity: "100",
        model: "per_unit",
        unitPriceFen: "50",
      },
    ],
  });
  await createPriceVersion(db, {
    module: "medical_insurance",
    effectiveFrom: "2026-01-01",
    rental: { city: 2_000_000, district: 1_000_000, street: 500_000 },
    meters: [
      { meter: "mi.settlements", model: "package", packageSize: "100", packagePriceFen: 10_000 },
    ],
  });
  await createPriceVersion(db, {
    module: "community",
    effectiveFrom: "2026-01-01",
    rental: { city: 800_000, district: 500_000, street: 300_000 },
  });
}
