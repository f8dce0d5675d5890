import {
  bigint,
  bigserial,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
} from "drizzle-orm/pg-core";

/*
 * Portal tables of the tenant template (no schema: they resolve through withTenant's search_path).
 * Keys are local to the tenant; no foreign keys leave the schema.
 */
const ts = () => timestamp({ withTimezone: true });

/** The tenant's edits of the national working-day calendar (a day declared off or working). */
export const portalCalendarDays = pgTable("portal_calendar_days", {
  day: date({ mode: "string" }).primaryKey(),
  kind: text({ enum: ["off", "work"] }).notNull(),
  note: text().notNull().default(""),
  updatedAt: ts().notNull().defaultNow(),
});

export const itemTypes = [
  "licensing",
  "payment",
  "confirmation",
  "public_service",
  "penalty",
  "other",
] as const;

export interface Material {
  name: string;
  form: "original" | "copy";
  copies: number;
  required: boolean;
  sampleUrl?: string | null;
}

/** 政务服务事项: the item's catalogue entry, mostly kept as the national catalogue shapes it. */
export const portalItems = pgTable("portal_items", {
  code: text().primaryKey(),
  parentCode: text(),
  name: text().notNull(),
  type: text({ enum: itemTypes }).notNull(),
  implementingBody: text().notNull(),
  department: text().notNull(),
  legalBasis: text().notNull(),
  conditions: text().notNull(),
  materials: jsonb().$type<Material[]>().notNull(),
  steps: jsonb().$type<string[]>().notNull(),
  immediate: boolean().notNull(),
  legalDays: integer().notNull(),
  promisedDays: integer().notNull(),
  feeFen: bigint({ mode: "number" }).notNull().default(0),
  visits: integer().notNull(),
  online: boolean().notNull(),
  contact: text().notNull(),
  complaints: text().notNull(),
  /** Form fields the applicant fills in: name → label. */
  fields: jsonb().$type<{ name: string; label: string; required: boolean }[]>().notNull(),
  updatedAt: ts().notNull().defaultNow(),
});

export const applicationStates = [
  "received",
  "notice",
  "not_accepted",
  "accepted",
  "under_review",
  "suspended",
  "approved",
  "refused",
  "completed",
] as const;
export type ApplicationState = (typeof applicationStates)[number];

export interface AttachedMaterial {
  name: string;
  key: string;
  contentType: string;
  size: number;
}

/** 办件. The deadline counts from acceptance; suspended working days extend it. */
export const portalApplications = pgTable(
  "portal_applications",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    tracking: text().notNull().unique(),
    itemCode: text().notNull(),
    applicantId: text().notNull(),
    applicantName: text().notNull(),
    form: jsonb().$type<Record<string, string>>().notNull(),
    materials: jsonb().$type<AttachedMaterial[]>().notNull(),
    state: text({ enum: applicationStates }).notNull(),
    receivedAt: ts().notNull(),
    acceptedAt: ts(),
    deemedAccepted: boolean().notNull().default(false),
    suspendedDays: integer().notNull().default(0),
    suspendedSince: ts(),
    dueAt: ts(),
    decision: text({ enum: ["approved", "refused"] }),
    rating: integer(),
    updatedAt: ts().notNull(),
  },
  (t) => [index().on(t.state, t.dueAt), index().on(t.applicantId)],
);

/** The timeline: every transition, with its reason or notice, visible to the applicant. */
export const portalApplicationEvents = pgTable(
  "portal_application_events",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    applicationId: bigint({ mode: "number" }).notNull(),
    state: text({ enum: applicationStates }).notNull(),
    action: text().notNull(),
    note: text().notNull().default(""),
    data: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    actorId: text(),
    at: ts().notNull(),
  },
  (t) => [index().on(t.applicationId)],
);

/** A poor 好差评 rating opens one; due in 15 working days. */
export const portalFollowups = pgTable("portal_followups", {
  id: bigserial({ mode: "number" }).primaryKey(),
  applicationId: bigint({ mode: "number" }).notNull(),
  rating: integer().notNull(),
  comment: text().notNull().default(""),
  dueAt: ts().notNull(),
  closedAt: ts(),
  createdAt: ts().notNull(),
});

export const portalCertificates = pgTable("portal_certificates", {
  id: bigserial({ mode: "number" }).primaryKey(),
  /** What the QR code and the public verification take: unambiguous alphabet. */
  code: text().notNull().unique(),
  number: text().notNull().unique(),
  applicationId: bigint({ mode: "number" }).notNull().unique(),
  holder: text().notNull(),
  itemName: text().notNull(),
  issuingBody: text().notNull(),
  validFrom: date({ mode: "string" }).notNull(),
  validUntil: date({ mode: "string" }),
  revokedAt: ts(),
  revokedReason: text(),
  issuedAt: ts().notNull(),
});

export type PortalItem = typeof portalItems.$inferSelect;
export type PortalApplication = typeof portalApplications.$inferSelect;
export type PortalCertificate = typeof portalCertificates.$inferSelect;
export * from "./schema-publishing.ts";
export * from "./schema-service.ts";
