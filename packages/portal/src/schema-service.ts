import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  pgTable,
  text,
  timestamp,
} from "drizzle-orm/pg-core";

const ts = () => timestamp({ withTimezone: true });

/** 咨询 and 投诉: routed to a department, answered within an SLA in working days. */
export const portalConsultations = pgTable(
  "portal_consultations",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    kind: text({ enum: ["consultation", "complaint"] }).notNull(),
    tracking: text().notNull().unique(),
    citizenId: text().notNull(),
    name: text().notNull(),
    subject: text().notNull(),
    question: text().notNull(),
    department: text().notNull(),
    itemCode: text(),
    state: text({ enum: ["open", "answered", "closed"] }).notNull(),
    dueAt: ts().notNull(),
    escalations: integer().notNull().default(0),
    escalatedAt: ts(),
    answer: text(),
    answeredAt: ts(),
    answeredBy: text(),
    /** An answered consultation published as public Q&A (without the asker's name). */
    published: boolean().notNull().default(false),
    createdAt: ts().notNull(),
  },
  (t) => [index().on(t.state, t.dueAt)],
);

/** 缴费: a payment order for an item with a fee, confirmed by staff or a provider. */
export const portalPayments = pgTable("portal_payments", {
  id: bigserial({ mode: "number" }).primaryKey(),
  reference: text().notNull().unique(),
  applicationId: bigint({ mode: "number" }).notNull().unique(),
  amountFen: bigint({ mode: "number" }).notNull(),
  provider: text().notNull(),
  state: text({ enum: ["pending", "paid"] }).notNull(),
  method: text(),
  bankReference: text(),
  confirmedBy: text(),
  paidAt: ts(),
  createdAt: ts().notNull(),
});
