import { bigint, index, integer, primaryKey, text, timestamp, unique } from "drizzle-orm/pg-core";
import { timestamps } from "../columns.ts";
import { platform } from "./schema.ts";

/** Role ids as the CLI and API spell them. Vendor roles have no tenant; tenant roles and citizen do. */
export const vendorRoles = ["operator", "finance", "security_admin", "audit_admin"] as const;
export const tenantRoles = [
  "tenant_admin",
  "tenant_security_admin",
  "tenant_auditor",
  "portal_editor",
  "case_officer",
  "mi_officer",
  "community_agent",
  "citizen",
] as const;
export const roleIds = [...vendorRoles, ...tenantRoles] as const;

export const userStatus = platform.enum("user_status", ["active", "disabled"]);
export const userRole = platform.enum("user_role", roleIds);

/** One identity per person; a citizen registered on several portals is still one row. */
export const users = platform.table("users", {
  id: text().primaryKey(),
  email: text().unique(),
  phone: text().unique(),
  displayName: text().notNull(),
  status: userStatus().notNull().default("active"),
  ...timestamps,
});

/** A role held by a user, in a tenant (tenant roles, citizen registration) or at the vendor (null). */
export const memberships = platform.table(
  "memberships",
  {
    id: text().primaryKey(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tenantId: text(),
    role: userRole().notNull(),
    createdBy: text(),
    createdAt: timestamps.createdAt,
  },
  (t) => [unique().on(t.userId, t.tenantId, t.role).nullsNotDistinct(), index().on(t.tenantId)],
);

export const passwordCredentials = platform.table("password_credentials", {
  userId: text()
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  hash: text().notNull(),
  changedAt: timestamp({ withTimezone: true }).notNull(),
});

/** `lastStep` is the last accepted RFC 6238 time step: a code at or before it is a replay. */
export const totpCredentials = platform.table("totp_credentials", {
  userId: text()
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  secret: text().notNull(),
  confirmedAt: timestamp({ withTimezone: true }),
  lastStep: bigint({ mode: "number" }),
  createdAt: timestamps.createdAt,
});

export const recoveryCodes = platform.table(
  "recovery_codes",
  {
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    codeHash: text().notNull(),
    usedAt: timestamp({ withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.codeHash] })],
);

/** Failure counter per normalized login name (known or not, so lockout reveals nothing). */
export const signInFailures = platform.table("sign_in_failures", {
  login: text().primaryKey(),
  failures: integer().notNull().default(0),
  lastFailureAt: timestamp({ withTimezone: true }).notNull(),
  lockedUntil: timestamp({ withTimezone: true }),
});

export type User = typeof users.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
export type RoleId = (typeof roleIds)[number];
export type VendorRole = (typeof vendorRoles)[number];
export type TenantRole = (typeof tenantRoles)[number];
