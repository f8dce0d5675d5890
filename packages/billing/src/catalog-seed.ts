import type { Database } from "@zhengyun/db";
import { platformSchema } from "@zhengyun/db";
import { sql } from "drizzle-orm";

const { taxCategories, taxRates, billingModules, oneOffFees } = platformSchema;

/**
 * The catalog's fixed vocabulary: tax categories with their default rates, the three rentable
 * modules and the onboarding fee. Idempotent; prices are versions created through the catalog verb.
 * Owner privileges (boot, tests, demo), like ensureMeters.
 */
export async function ensureBillingCatalog(db: Database): Promise<void> {
  await db.orm.transaction(async (tx) => {
    await tx
      .insert(taxCategories)
      .values([
        { code: "it_services", nameZh: "信息技术服务", nameEn: "IT services" },
        { code: "equipment_leasing", nameZh: "有形动产租赁", nameEn: "Equipment leasing" },
      ])
      .onConflictDoNothing();
    await tx
      .insert(taxRates)
      .values([
        {
          id: "txr_it_services_2016",
          category: "it_services",
          rateBp: 600,
          effectiveFrom: "2016-05-01",
        },
        {
          id: "txr_equipment_leasing_2019",
          category: "equipment_leasing",
          rateBp: 1300,
          effectiveFrom: "2019-04-01",
        },
      ])
      .onConflictDoNothing();
    await tx
      .insert(billingModules)
      .values([
        {
          code: "portal",
          nameZh: "政务服务门户",
          nameEn: "Government service portal",
          taxCategory: "it_services",
        },
        {
          code: "medical_insurance",
          nameZh: "医疗保障",
          nameEn: "Medical insurance",
          taxCategory: "it_services",
        },
        {
          code: "community",
          nameZh: "社区服务",
          nameEn: "Community services",
          taxCategory: "it_services",
        },
      ])
      .onConflictDoUpdate({
        target: billingModules.code,
        set: { nameZh: sql`excluded.name_zh`, nameEn: sql`excluded.name_en` },
      });
    await tx
      .insert(oneOffFees)
      .values({
        code: "onboarding",
        nameZh: "开通实施费",
        nameEn: "Onboarding",
        amountFen: 5_000_000,
        taxCategory: "it_services",
      })
      .onConflictDoNothing();
  });
}
