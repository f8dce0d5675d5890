import {
  bigint,
  date,
  index,
  integer,
  jsonb,
  primaryKey,
  text,
  timestamp,
} from "drizzle-orm/pg-core";
import { timestamps } from "../columns.ts";
import { platform } from "./schema.ts";
import { tenantLevel } from "./tenants.ts";

/** What each tenant rents: subscriptions, equipment, pending one-off charges, quota alerts. */

/**
 * A module subscription over [startsOn, endsOn) (endsOn null = open). An upgrade ends one row and
 * starts another on the same day, so daily proration splits the month exactly.
 */
export const subscriptions = platform.table(
  "subscriptions",
  {
    id: text().primaryKey(),
    tenantId: text().notNull(),
    contractId: text().notNull(),
    module: text().notNull(),
    /** The rental tier priced; defaults to the tenant's level, higher on an upgrade. */
    priceLevel: tenantLevel().notNull(),
    startsOn: date({ mode: "string" }).notNull(),
    endsOn: date({ mode: "string" }),
    createdBy: text(),
    ...timestamps,
  },
  (t) => [index().on(t.tenantId, t.module)],
);

export const equipmentStatus = platform.enum("equipment_status", [
  "in_service",
  "under_repair",
  "retired",
]);

/** Vendor-owned equipment placed at a tenant; its renewal fee funds the hardware refresh. */
export const equipment = platform.table(
  "equipment",
  {
    id: text().primaryKey(),
    tenantId: text().notNull(),
    item: text().notNull(),
    serial: text().notNull().unique(),
    location: text().notNull(),
    acquisitionCostFen: bigint({ mode: "number" }).notNull(),
    residualValueFen: bigint({ mode: "number" }).notNull(),
    installedOn: date({ mode: "string" }).notNull(),
    /** Last day in service is the day before; null while in service. */
    retiredOn: date({ mode: "string" }),
    renewalCycleMonths: integer().notNull(),
    status: equipmentStatus().notNull().default("in_service"),
    taxCategory: text().notNull().default("equipment_leasing"),
    ...timestamps,
  },
  (t) => [index().on(t.tenantId)],
);

export const chargeKind = platform.enum("charge_kind", ["one_off", "adjustment"]);

/**
 * One-off fees and adjustments waiting for the next invoice run of the period containing
 * chargeOn; amounts may be negative for adjustments (credits carried forward).
 */
export const tenantCharges = platform.table(
  "tenant_charges",
  {
    id: text().primaryKey(),
    tenantId: text().notNull(),
    kind: chargeKind().notNull(),
    feeCode: text(),
    description: text().notNull(),
    amountFen: bigint({ mode: "number" }).notNull(),
    taxCategory: text().notNull(),
    chargeOn: date({ mode: "string" }).notNull(),
    details: jsonb(),
    createdBy: text(),
    createdAt: timestamps.createdAt,
  },
  (t) => [index().on(t.tenantId, t.chargeOn)],
);

/** One alert per tenant, meter, month and threshold (80, 100): the primary key dedupes. */
export const quotaAlerts = platform.table(
  "quota_alerts",
  {
    tenantId: text().notNull(),
    meter: text().notNull(),
    period: date({ mode: "string" }).notNull(),
    thresholdPct: integer().notNull(),
    notifiedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.meter, t.period, t.thresholdPct] })],
);

export const billingRuns = platform.table(
  "billing_runs",
  {
    id: text().primaryKey(),
    period: date({ mode: "string" }).notNull(),
    actorId: text(),
    invoices: integer().notNull(),
    startedAt: timestamp({ withTimezone: true }).notNull(),
    finishedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [index().on(t.period)],
);

export type Subscription = typeof subscriptions.$inferSelect;
export type Equipment = typeof equipment.$inferSelect;
export type TenantCharge = typeof tenantCharges.$inferSelect;
