import { bigserial, integer, jsonb, numeric, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { auditColumns, auditIndexes } from "../audit-columns.ts";

/*
 * The tenant template: tables created inside every tenant's schema. They are declared without a
 * schema so queries resolve through the transaction's search_path, which withTenant() sets.
 */

export const auditLog = pgTable("audit_log", auditColumns, auditIndexes);

/** Tenant settings (password policy, calendars, branding): a small key-value store. */
export const settings = pgTable("settings", {
  key: text().primaryKey(),
  value: jsonb().notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * Transactional outbox for usage: written in the same transaction as the business change, relayed
 * to the control plane by a background job. `event_id` makes the relay idempotent there.
 */
export const usageOutbox = pgTable("usage_outbox", {
  seq: bigserial({ mode: "bigint" }).primaryKey(),
  eventId: text().notNull().unique(),
  meter: text().notNull(),
  quantity: numeric().notNull(),
  occurredAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  relayedAt: timestamp({ withTimezone: true }),
});

/** Notifications (email, SMS) waiting for delivery, retried with backoff. */
export const notificationOutbox = pgTable("notification_outbox", {
  id: text().primaryKey(),
  channel: text({ enum: ["email", "sms"] }).notNull(),
  recipient: text().notNull(),
  subject: text(),
  body: text().notNull(),
  status: text({ enum: ["pending", "sent", "failed"] })
    .notNull()
    .default("pending"),
  attempts: integer().notNull().default(0),
  nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  lastError: text(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  sentAt: timestamp({ withTimezone: true }),
});
