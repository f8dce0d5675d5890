import { sql } from "drizzle-orm";
import {
  bigint,
  date,
  index,
  integer,
  jsonb,
  numeric,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { timestamps } from "../columns.ts";
import { platform } from "./schema.ts";

/** Invoices, their review, numbering, credit notes and payments (issue 5). Amounts in fen. */

export const invoiceStatus = platform.enum("invoice_status", [
  "draft",
  "approved",
  "issued",
  "void",
]);

export const invoices = platform.table(
  "invoices",
  {
    id: text().primaryKey(),
    tenantId: text().notNull(),
    /** First day of the billed month. */
    period: date({ mode: "string" }).notNull(),
    status: invoiceStatus().notNull().default("draft"),
    /** Gapless yearly number, assigned on issue. */
    number: text().unique(),
    currency: text().notNull().default("CNY"),
    subtotalFen: bigint({ mode: "number" }).notNull(),
    taxFen: bigint({ mode: "number" }).notNull(),
    totalFen: bigint({ mode: "number" }).notNull(),
    /** Anomaly flags for finance: `[{ code, detail }]`. */
    flags: jsonb().$type<{ code: string; detail: string }[]>().notNull().default([]),
    runId: text(),
    /** The frozen document as issued (JSON rendering). */
    snapshot: jsonb(),
    pdfObjectKey: text(),
    dueOn: date({ mode: "string" }),
    approvedAt: timestamp({ withTimezone: true }),
    approvedBy: text(),
    issuedAt: timestamp({ withTimezone: true }),
    issuedBy: text(),
    voidedAt: timestamp({ withTimezone: true }),
    stripeInvoiceId: text().unique(),
    stripeStatus: text(),
    ...timestamps,
  },
  (t) => [
    // One live invoice per tenant and month; voided ones stay as history.
    uniqueIndex("invoices_tenant_period_live")
      .on(t.tenantId, t.period)
      .where(sql`status <> 'void'`),
    index().on(t.period, t.status),
  ],
);

export const invoiceLineKind = platform.enum("invoice_line_kind", [
  "rental",
  "usage",
  "equipment",
  "one_off",
  "adjustment",
]);

export const invoiceLines = platform.table(
  "invoice_lines",
  {
    id: text().primaryKey(),
    invoiceId: text()
      .notNull()
      .references(() => invoices.id, { onDelete: "cascade" }),
    position: integer().notNull(),
    kind: invoiceLineKind().notNull(),
    description: text().notNull(),
    quantity: numeric().notNull(),
    /** Decimal string of fen per unit (may be below one fen). */
    unitPriceFen: numeric().notNull(),
    amountFen: bigint({ mode: "number" }).notNull(),
    taxCategory: text().notNull(),
    taxRateBp: integer().notNull(),
    taxFen: bigint({ mode: "number" }).notNull(),
    module: text(),
    meter: text(),
    equipmentId: text(),
    /** Kind-specific facts: usage tiers, included/billable, proration days, pieces. */
    details: jsonb().notNull().default({}),
  },
  (t) => [unique().on(t.invoiceId, t.position)],
);

/** Finance's corrections to a draft line, always with a reason (audited as well). */
export const invoiceAdjustments = platform.table("invoice_adjustments", {
  id: text().primaryKey(),
  invoiceId: text()
    .notNull()
    .references(() => invoices.id, { onDelete: "cascade" }),
  lineId: text()
    .notNull()
    .references(() => invoiceLines.id, { onDelete: "cascade" }),
  deltaFen: bigint({ mode: "number" }).notNull(),
  taxDeltaFen: bigint({ mode: "number" }).notNull(),
  reason: text().notNull(),
  actorId: text().notNull(),
  createdAt: timestamps.createdAt,
});

/** Gapless counters: the row is locked in the issuing transaction. series e.g. "INV", "CN". */
export const numberingCounters = platform.table(
  "numbering_counters",
  {
    series: text().notNull(),
    year: integer().notNull(),
    nextValue: bigint({ mode: "number" }).notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.series, t.year] })],
);

export const creditNoteStatus = platform.enum("credit_note_status", ["draft", "issued"]);

export const creditNotes = platform.table(
  "credit_notes",
  {
    id: text().primaryKey(),
    invoiceId: text()
      .notNull()
      .references(() => invoices.id),
    tenantId: text().notNull(),
    number: text().unique(),
    status: creditNoteStatus().notNull().default("draft"),
    reason: text().notNull(),
    subtotalFen: bigint({ mode: "number" }).notNull(),
    taxFen: bigint({ mode: "number" }).notNull(),
    totalFen: bigint({ mode: "number" }).notNull(),
    snapshot: jsonb(),
    pdfObjectKey: text(),
    createdBy: text(),
    issuedAt: timestamp({ withTimezone: true }),
    ...timestamps,
  },
  (t) => [index().on(t.invoiceId), index().on(t.tenantId)],
);

export const creditNoteLines = platform.table(
  "credit_note_lines",
  {
    id: text().primaryKey(),
    creditNoteId: text()
      .notNull()
      .references(() => creditNotes.id, { onDelete: "cascade" }),
    invoiceLineId: text().references(() => invoiceLines.id),
    position: integer().notNull(),
    description: text().notNull(),
    amountFen: bigint({ mode: "number" }).notNull(),
    taxRateBp: integer().notNull(),
    taxFen: bigint({ mode: "number" }).notNull(),
  },
  (t) => [unique().on(t.creditNoteId, t.position)],
);

export const paymentMethod = platform.enum("payment_method", ["bank_transfer", "stripe"]);

export const payments = platform.table(
  "payments",
  {
    id: text().primaryKey(),
    tenantId: text().notNull(),
    invoiceId: text().references(() => invoices.id),
    method: paymentMethod().notNull(),
    /** Bank transfer reference, or the Stripe invoice / payment intent id. */
    reference: text().notNull(),
    amountFen: bigint({ mode: "number" }).notNull(),
    receivedOn: date({ mode: "string" }).notNull(),
    recordedBy: text(),
    createdAt: timestamps.createdAt,
  },
  (t) => [unique().on(t.tenantId, t.method, t.reference), index().on(t.invoiceId)],
);

/** Organisation data only ever goes to Stripe; this maps tenant ↔ customer. */
export const stripeCustomers = platform.table("stripe_customers", {
  tenantId: text().primaryKey(),
  stripeCustomerId: text().notNull().unique(),
  createdAt: timestamps.createdAt,
});

/** Webhook events seen, deduplicated by id in the same transaction as their effects. */
export const stripeEvents = platform.table("stripe_events", {
  id: text().primaryKey(),
  type: text().notNull(),
  /** Stripe's `created` (seconds), to tolerate out-of-order delivery. */
  createdUnix: bigint({ mode: "number" }).notNull(),
  objectId: text(),
  receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** Overdue reminders queued at 7, 14 and 30 days; the primary key makes each stage once. */
export const paymentReminders = platform.table(
  "payment_reminders",
  {
    invoiceId: text()
      .notNull()
      .references(() => invoices.id),
    stageDays: integer().notNull(),
    queuedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.invoiceId, t.stageDays] })],
);

export type Invoice = typeof invoices.$inferSelect;
export type InvoiceLine = typeof invoiceLines.$inferSelect;
export type InvoiceStatus = (typeof invoiceStatus.enumValues)[number];
export type InvoiceLineKind = (typeof invoiceLineKind.enumValues)[number];
export type CreditNote = typeof creditNotes.$inferSelect;
export type Payment = typeof payments.$inferSelect;
