import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  customType,
  index,
  jsonb,
  text,
  timestamp,
} from "drizzle-orm/pg-core";

/** Postgres' 64-bit transaction id, carried as text (it exceeds JS's safe integers). */
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => "xid8" });

/**
 * One shape for every audit chain: the vendor's in `platform`, each tenant's in its own schema.
 * Appending never waits on a chain lock: `xid` records the inserting transaction, and the
 * background sealer later assigns `chain_pos` and `hash` in (xid, seq) order to rows no in-flight
 * transaction can precede (see packages/audit/README.md).
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
  xid: xid8().notNull().default(sql`pg_current_xact_id()`),
  chainPos: bigint({ mode: "bigint" }).unique(),
};

// biome-ignore lint/suspicious/noExplicitAny: drizzle's extra-config callback type is table-specific
export const auditIndexes = (t: any) => [
  index().on(t.at),
  index().on(t.actorId),
  index().on(t.action),
  // What the sealer scans: unsealed rows in sealing order.
  index("audit_log_pending_index").on(t.xid, t.seq).where(sql`chain_pos is null`),
];

/**
 * The chain head, one row per chain: the last sealed position and hash (so deleting the last
 * record is detectable) and the purge anchor (position and hash the verifier starts from).
 */
export const auditChainColumns = {
  id: boolean().primaryKey().default(true),
  lastPos: bigint({ mode: "bigint" }).notNull().default(sql`0`),
  lastHash: text().notNull().default(""),
  anchorPos: bigint({ mode: "bigint" }).notNull().default(sql`0`),
  anchorHash: text().notNull().default(""),
  sealedAt: timestamp({ withTimezone: true }),
  purgedAt: timestamp({ withTimezone: true }),
};

// biome-ignore lint/suspicious/noExplicitAny: see auditIndexes
export const auditChainChecks = (t: any) => [check("audit_chain_single_row", sql`${t.id}`)];
