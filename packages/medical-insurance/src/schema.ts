import {
  bigint,
  bigserial,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
} from "drizzle-orm/pg-core";

/*
 * Medical insurance tenant tables (template: no schema, resolved through withTenant's search_path).
 * Money is integer fen in bigint (mode "number": amounts stay far below 2^53).
 */
const fen = (name?: string) =>
  (name ? bigint(name, { mode: "number" }) : bigint({ mode: "number" })).notNull().default(0);
const createdAt = () => timestamp({ withTimezone: true }).notNull().defaultNow();

export const miEmployers = pgTable("mi_employers", {
  id: text().primaryKey(),
  code: text().notNull().unique(),
  name: text().notNull(),
  createdAt: createdAt(),
});

export const miPersons = pgTable(
  "mi_persons",
  {
    id: text().primaryKey(),
    nationalId: text().notNull().unique(),
    name: text().notNull(),
    sex: text({ enum: ["M", "F"] }).notNull(),
    birthDate: date({ mode: "string" }).notNull(),
    scheme: text({ enum: ["310", "390"] }).notNull(),
    employment: text({ enum: ["in_service", "retired"] }).notNull(),
    employerId: text(),
    status: text({ enum: ["active", "suspended", "terminated"] })
      .notNull()
      .default("active"),
    /** Personal account (个人账户) balance, employees only. */
    accountBalance: fen(),
    /** Last day covered by paid contributions; arrears are counted from here. */
    coveredThrough: date({ mode: "string" }),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.name), index().on(t.employerId)],
);

export const miPersonStatusHistory = pgTable(
  "mi_person_status_history",
  {
    seq: bigserial({ mode: "number" }).primaryKey(),
    personId: text().notNull(),
    status: text().notNull(),
    reason: text().notNull(),
    at: createdAt(),
  },
  (t) => [index().on(t.personId)],
);

export const miContributions = pgTable(
  "mi_contributions",
  {
    id: text().primaryKey(),
    personId: text().notNull(),
    /** `2026-03` for an employee month, `2026` for a resident year. */
    period: text().notNull(),
    kind: text({ enum: ["employee_monthly", "resident_annual"] }).notNull(),
    base: fen(),
    employerAmount: fen(),
    employeeAmount: fen(),
    accountCredit: fen(),
    individualAmount: fen(),
    subsidyAmount: fen(),
    paidAt: createdAt(),
  },
  (t) => [unique().on(t.personId, t.period)],
);

/** Policy parameters per year and scheme; the row in force is the latest `effective_from`. */
export const miParameters = pgTable(
  "mi_parameters",
  {
    id: text().primaryKey(),
    year: integer().notNull(),
    scheme: text({ enum: ["310", "390"] }).notNull(),
    effectiveFrom: date({ mode: "string" }).notNull(),
    params: jsonb().notNull(),
    createdAt: createdAt(),
  },
  (t) => [unique().on(t.year, t.scheme, t.effectiveFrom)],
);

export const miInstitutions = pgTable("mi_institutions", {
  code: text().primaryKey(),
  name: text().notNull(),
  level: text({ enum: ["community", "1", "2", "3"] }).notNull(),
  type: text({ enum: ["hospital", "pharmacy"] }).notNull(),
  status: text({ enum: ["active", "suspended"] })
    .notNull()
    .default("active"),
  createdAt: createdAt(),
});

/** Per-person yearly accumulators; settlements lock this row so totals are never double-counted. */
export const miAccumulators = pgTable(
  "mi_accumulators",
  {
    personId: text().notNull(),
    year: integer().notNull(),
    outpatientDedcUsed: fen(),
    inpatientDedcUsed: fen(),
    fundPaid: fen(),
    admissions: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.personId, t.year] })],
);

export const miSettlements = pgTable(
  "mi_settlements",
  {
    id: text().primaryKey(),
    personId: text().notNull(),
    institutionCode: text().notNull(),
    visitType: text({ enum: ["outpatient", "inpatient"] }).notNull(),
    visitDate: date({ mode: "string" }).notNull(),
    year: integer().notNull(),
    admissionNo: integer(),
    medfeeSumamt: fen(),
    fulamtOwnpayAmt: fen(),
    preselfpayAmt: fen(),
    inscpScpAmt: fen(),
    actPayDedc: fen(),
    hifpPay: fen(),
    acctPay: fen(),
    psnCashPay: fen(),
    fundPaySumamt: fen(),
    psnPartAmt: fen(),
    items: jsonb().notNull(),
    status: text({ enum: ["settled", "reversed"] })
      .notNull()
      .default("settled"),
    /** The institution's own reference: a batch line settled twice is settled once. */
    externalRef: text().unique(),
    /** The import that settled it (no index: nothing looks settlements up by batch). */
    batchId: text(),
    /** Who settled it: the officer or API key behind the request (or the batch upload). */
    settledBy: text(),
    settledAt: createdAt(),
    reversedAt: timestamp({ withTimezone: true }),
    reversedBy: text(),
    reversalReason: text(),
  },
  (t) => [index().on(t.personId, t.year), index().on(t.institutionCode, t.visitDate)],
);

/** Settlements sampled for manual review, with the reviewer's decision. */
export const miReviews = pgTable(
  "mi_reviews",
  {
    settlementId: text().primaryKey(),
    rule: text({ enum: ["random", "amount"] }).notNull(),
    status: text({ enum: ["pending", "approved", "rejected"] })
      .notNull()
      .default("pending"),
    reasonCode: text(),
    note: text(),
    reviewerId: text(),
    createdAt: createdAt(),
    decidedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index().on(t.status, t.createdAt)],
);

export type MiPerson = typeof miPersons.$inferSelect;
export type MiSettlement = typeof miSettlements.$inferSelect;
export type MiInstitution = typeof miInstitutions.$inferSelect;
