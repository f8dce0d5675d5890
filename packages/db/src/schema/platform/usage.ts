import { bigserial, numeric, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { platform } from "./schema.ts";

/**
 * Usage events relayed from tenants' outboxes (and, later, ingested from external sources).
 * (tenant, source, event id) is unique, so a relay that retries after a crash never counts twice.
 */
export const usageEvents = platform.table(
  "usage_events",
  {
    id: bigserial({ mode: "bigint" }).primaryKey(),
    tenantId: text().notNull(),
    source: text().notNull(),
    eventId: text().notNull(),
    meter: text().notNull(),
    quantity: numeric().notNull(),
    occurredAt: timestamp({ withTimezone: true }).notNull(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex().on(t.tenantId, t.source, t.eventId)],
);
