import { bigserial, index, jsonb, text, timestamp } from "drizzle-orm/pg-core";

/**
 * One shape for every audit chain: the vendor's in `platform`, each tenant's in its own schema.
 * `seq` orders the chain; `hash` stays null until the background sealer links the row to its
 * predecessor, so appending never waits on a chain lock.
 */
export const auditColumns = {
  seq: bigserial({ mode: "bigint" }).primaryKey(),
  id: text().notNull().unique(),
  at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  actorId: text(),
  actorRole: text(),
  tenantId: text(),
  action: text().notNull(),
  objectType: text(),
  objectId: text(),
  result: text().notNull().default("success"),
  ip: text(),
  userAgent: text(),
  requestId: text(),
  data: jsonb(),
  hash: text(),
  sealedAt: timestamp({ withTimezone: true }),
};

// biome-ignore lint/suspicious/noExplicitAny: drizzle's extra-config callback type is table-specific
export const auditIndexes = (t: any) => [
  index().on(t.at),
  index().on(t.actorId),
  index().on(t.action),
];
