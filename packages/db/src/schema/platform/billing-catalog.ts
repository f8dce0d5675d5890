import {
  bigint,
  boolean,
  date,
  index,
  integer,
  jsonb,
  numeric,
  primaryKey,
  text,
  unique,
} from "drizzle-orm/pg-core";
import { timestamps } from "../columns.ts";
import { platform } from "./schema.ts";

/**
 * Billing catalog (issue 5). Money is integer fen in bigint; unit prices that may fall below one fen
 * (per API call, per GiB) are decimal strings of fen; rates are basis points.
 */

/** Tax categories; which one applies to what is a tax adviser's call, hence data, not code. */
export const taxCategories = platform.table("tax_categories", {
  code: text().primaryKey(),
  nameZh: text().notNull(),
  nameEn: text().notNull(),
});

/** Effective-dated rates: [effectiveFrom, effectiveTo) with effectiveTo null = open-ended. */
export const taxRates = platform.table(
  "tax_rates",
  {
    id: text().primaryKey(),
    category: text()
      .notNull()
      .references(() => taxCategories.code),
    rateBp: integer().notNull(),
    effectiveFrom: date({ mode: "string" }).notNull(),
    effectiveTo: date({ mode: "string" }),
    createdAt: timestamps.createdAt,
  },
  (t) => [unique().on(t.category, t.effectiveFrom)],
);

/** Rentable business modules (portal, medical_insurance, community). */
export const billingModules = platform.table("billing_modules", {
  code: text().primaryKey(),
  nameZh: text().notNull(),
  nameEn: text().notNull(),
  taxCategory: text()
    .notNull()
    .references(() => taxCategories.code),
});

/**
 * A module's price version: monthly rental by tenant level, effective [from, to). Versions of one
 * module never overlap (checked by the catalog verb), so a period's price is unambiguous and a
 * later price change never alters a past invoice.
 */
export const priceVersions = platform.table(
  "price_versions",
  {
    id: text().primaryKey(),
    module: text()
      .notNull()
      .references(() => billingModules.code),
    version: integer().notNull(),
    effectiveFrom: date({ mode: "string" }).notNull(),
    effectiveTo: date({ mode: "string" }),
    rentalCityFen: bigint({ mode: "number" }).notNull(),
    rentalDistrictFen: bigint({ mode: "number" }).notNull(),
    rentalStreetFen: bigint({ mode: "number" }).notNull(),
    createdAt: timestamps.createdAt,
  },
  (t) => [unique().on(t.module, t.version), index().on(t.module, t.effectiveFrom)],
);

export const overageModel = platform.enum("overage_model", ["per_unit", "graduated", "package"]);

/**
 * Included allowance and overage pricing of one meter within a price version. graduated: tiers
 * `[{ upTo: number | null, unitPriceFen: string }]` over billable units; package: packagePriceFen
 * per started packageSize units.
 */
export const priceMeterRules = platform.table(
  "price_meter_rules",
  {
    priceVersionId: text()
      .notNull()
      .references(() => priceVersions.id, { onDelete: "cascade" }),
    meter: text().notNull(),
    includedQuantity: numeric().notNull().default("0"),
    model: overageModel().notNull(),
    unitPriceFen: numeric(),
    tiers: jsonb().$type<{ upTo: number | null; unitPriceFen: string }[]>(),
    packageSize: numeric(),
    packagePriceFen: bigint({ mode: "number" }),
  },
  (t) => [primaryKey({ columns: [t.priceVersionId, t.meter] })],
);

/** One-off fees (onboarding, on-site training): charged once through tenant_charges. */
export const oneOffFees = platform.table("one_off_fees", {
  code: text().primaryKey(),
  nameZh: text().notNull(),
  nameEn: text().notNull(),
  amountFen: bigint({ mode: "number" }).notNull(),
  taxCategory: text()
    .notNull()
    .references(() => taxCategories.code),
});

/** A tenant's contract: the modules it may subscribe, discounts and the suspension rule. */
export const contracts = platform.table(
  "contracts",
  {
    id: text().primaryKey(),
    tenantId: text().notNull(),
    startsOn: date({ mode: "string" }).notNull(),
    endsOn: date({ mode: "string" }),
    /** Whether rental keeps accruing while the tenant is suspended. */
    accrueWhileSuspended: boolean().notNull().default(true),
    /** Discount on every rental and usage line, in basis points. */
    discountBp: integer().notNull().default(0),
    ...timestamps,
  },
  (t) => [index().on(t.tenantId, t.startsOn)],
);

/** Modules a contract allows, with optional per-tenant rental override and module discount. */
export const contractModules = platform.table(
  "contract_modules",
  {
    contractId: text()
      .notNull()
      .references(() => contracts.id, { onDelete: "cascade" }),
    module: text()
      .notNull()
      .references(() => billingModules.code),
    monthlyFenOverride: bigint({ mode: "number" }),
    discountBp: integer(),
  },
  (t) => [primaryKey({ columns: [t.contractId, t.module] })],
);

export type TaxRate = typeof taxRates.$inferSelect;
export type PriceVersion = typeof priceVersions.$inferSelect;
export type PriceMeterRule = typeof priceMeterRules.$inferSelect;
export type Contract = typeof contracts.$inferSelect;
export type OverageModel = (typeof overageModel.enumValues)[number];
