import { relations } from "drizzle-orm";
import { index, integer, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { timestamps } from "../columns.ts";
import { platform } from "./schema.ts";

export const tenantLevel = platform.enum("tenant_level", ["city", "district", "street"]);
/**
 * provisioning: schema being built, never served; active; suspended: routes answer 423, data kept;
 * offboarded: schema, role and objects dropped, export archive retained.
 */
export const tenantStatus = platform.enum("tenant_status", [
  "provisioning",
  "active",
  "suspended",
  "offboarded",
]);

export const tenants = platform.table(
  "tenants",
  {
    id: text().primaryKey(),
    slug: text().notNull().unique(),
    name: text().notNull(),
    level: tenantLevel().notNull(),
    parentId: text(),
    status: tenantStatus().notNull().default("provisioning"),
    schemaName: text().notNull().unique(),
    roleName: text().notNull().unique(),
    suspendedAt: timestamp({ withTimezone: true }),
    offboardedAt: timestamp({ withTimezone: true }),
    ...timestamps,
  },
  (t) => [index().on(t.status)],
);

export const tenantDomains = platform.table("tenant_domains", {
  host: text().primaryKey(),
  tenantId: text()
    .notNull()
    .references(() => tenants.id, { onDelete: "cascade" }),
  createdAt: timestamps.createdAt,
});

/** Ledger of template migrations applied to each tenant's schema. */
export const tenantMigrations = platform.table(
  "tenant_migrations",
  {
    tenantId: text()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    idx: integer().notNull(),
    tag: text().notNull(),
    appliedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.idx] })],
);

/** Offboarding archives, kept in storage; the audit log inside is retained at least 180 days. */
export const tenantExports = platform.table("tenant_exports", {
  id: text().primaryKey(),
  tenantId: text().notNull(),
  slug: text().notNull(),
  objectKey: text().notNull(),
  bytes: integer().notNull(),
  sha256: text().notNull(),
  retainUntil: timestamp({ withTimezone: true }).notNull(),
  createdAt: timestamps.createdAt,
});

export const tenantsRelations = relations(tenants, ({ many }) => ({
  domains: many(tenantDomains),
}));

export type Tenant = typeof tenants.$inferSelect;
export type TenantLevel = (typeof tenantLevel.enumValues)[number];
export type TenantStatus = (typeof tenantStatus.enumValues)[number];
