import { boolean, index, text, timestamp } from "drizzle-orm/pg-core";
import { timestamps } from "../columns.ts";
import { users } from "./identity.ts";
import { platform } from "./schema.ts";

export const sessionKind = platform.enum("session_kind", ["staff", "citizen"]);

/**
 * `id` is the SHA-256 (hex) of the session id in the cookie; the raw id is never stored. A
 * `pending` session has passed the password but not the second factor and grants nothing.
 */
export const sessions = platform.table(
  "sessions",
  {
    id: text().primaryKey(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: sessionKind().notNull(),
    tenantId: text(),
    pending: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull(),
    idleExpiresAt: timestamp({ withTimezone: true }).notNull(),
    absoluteExpiresAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [index().on(t.userId), index().on(t.absoluteExpiresAt)],
);

/** Per-tenant keys; `prefix` finds the row, `secretHash` (SHA-256) proves the key. */
export const apiKeys = platform.table(
  "api_keys",
  {
    id: text().primaryKey(),
    tenantId: text().notNull(),
    name: text().notNull(),
    scopes: text().array().notNull(),
    prefix: text().notNull().unique(),
    secretHash: text().notNull(),
    createdBy: text(),
    createdAt: timestamps.createdAt,
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index().on(t.tenantId)],
);

export const supportGrantStatus = platform.enum("support_grant_status", [
  "requested",
  "approved",
  "rejected",
  "revoked",
]);

/** A vendor user's time- and scope-limited access to one tenant's business data. */
export const supportGrants = platform.table(
  "support_grants",
  {
    id: text().primaryKey(),
    vendorUserId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tenantId: text().notNull(),
    scope: text().array().notNull(),
    reason: text().notNull(),
    validFrom: timestamp({ withTimezone: true }).notNull(),
    validUntil: timestamp({ withTimezone: true }).notNull(),
    status: supportGrantStatus().notNull().default("requested"),
    approvedBy: text(),
    decidedAt: timestamp({ withTimezone: true }),
    createdAt: timestamps.createdAt,
  },
  (t) => [index().on(t.tenantId, t.vendorUserId)],
);

export type SessionRow = typeof sessions.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type SupportGrant = typeof supportGrants.$inferSelect;
