import { boolean, index, numeric, text, timestamp } from "drizzle-orm/pg-core";
import { platform } from "./schema.ts";

/**
 * Raw usage events, range-partitioned by month of occurred_at (migration 0004, written by hand:
 * drizzle-kit does not model partitioning). Uniqueness of (tenant, source, event id) cannot be a
 * constraint here without the partition key, so platform.usage_event_keys enforces it.
 */
export const usageEvents = platform.table(
  "usage_events",
  {
    tenantId: text().notNull(),
    source: text().notNull(),
    eventId: text().notNull(),
    meter: text().notNull(),
    quantity: numeric().notNull(),
    /** The distinct value counted by unique_count meters (e.g. a user id). */
    subjectKey: text(),
    occurredAt: timestamp({ withTimezone: true }).notNull(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** Arrived for a period already invoiced: stored and shown to finance, never re-invoiced. */
    late: boolean().notNull().default(false),
  },
  (t) => [index().on(t.tenantId, t.meter, t.occurredAt)],
);
