import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

/*
 * Community services tables of the tenant template (no schema: they resolve through withTenant's
 * search_path). Keys are local to the tenant; no foreign keys leave the schema.
 */

export const centreLevels = ["city", "district", "street", "community"] as const;
export type CentreLevel = (typeof centreLevels)[number];

/** Routing area: a circle or a polygon of [lat, long] points. */
export type CentreArea =
  | { type: "radius"; lat: number; long: number; meters: number }
  | { type: "polygon"; points: [number, number][] };

const ts = () => timestamp({ withTimezone: true });

export const csCentres = pgTable(
  "cs_centres",
  {
    id: text().primaryKey(),
    parentId: text(),
    level: text({ enum: centreLevels }).notNull(),
    /** Materialized path `/<root id>/…/<own id>/`: a subtree is one prefix match. */
    path: text().notNull(),
    name: text().notNull(),
    address: text(),
    lat: doublePrecision(),
    long: doublePrecision(),
    openingHours: text(),
    contact: text(),
    area: jsonb().$type<CentreArea>(),
    createdAt: ts().notNull().defaultNow(),
  },
  (t) => [index().on(t.path), index().on(t.parentId)],
);

/** Staff assignment, keyed by the platform user id (no FK to the control plane). */
export const csStaff = pgTable(
  "cs_staff",
  { userId: text().notNull(), centreId: text().notNull() },
  (t) => [primaryKey({ columns: [t.userId, t.centreId] })],
);

export interface AttributeValue {
  key: string;
  name: string;
}
export interface ServiceAttribute {
  code: string;
  variable: boolean;
  datatype: "string" | "number" | "datetime" | "text" | "singlevaluelist" | "multivaluelist";
  required: boolean;
  datatypeDescription: string | null;
  order: number;
  description: string;
  values: AttributeValue[];
}

export const csServices = pgTable("cs_services", {
  code: text().primaryKey(),
  group: text(),
  nameZh: text().notNull(),
  nameEn: text().notNull(),
  description: text(),
  keywords: text(),
  level: text({ enum: centreLevels }).notNull(),
  slaUnit: text({ enum: ["hours", "days"] }).notNull(),
  slaAmount: integer().notNull(),
  attributes: jsonb().$type<ServiceAttribute[]>().notNull().default([]),
  active: boolean().notNull().default(true),
});

export const requestStates = [
  "received",
  "dispatched",
  "in_progress",
  "replied",
  "closed",
] as const;
export type RequestState = (typeof requestStates)[number];

export const csRequests = pgTable(
  "cs_requests",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    token: text().notNull().unique(),
    serviceCode: text().notNull(),
    channel: text({ enum: ["web", "open311", "phone", "counter"] }).notNull(),
    description: text(),
    lat: doublePrecision(),
    long: doublePrecision(),
    address: text(),
    addressId: text(),
    zipcode: text(),
    mediaUrl: text(),
    mediaKey: text(),
    contact: jsonb().$type<Record<string, string>>().notNull().default({}),
    attributes: jsonb().$type<Record<string, string | string[]>>().notNull().default({}),
    centreId: text().notNull(),
    state: text({ enum: requestStates }).notNull().default("received"),
    escalations: integer().notNull().default(0),
    dueAt: ts().notNull(),
    mergedInto: bigint({ mode: "number" }),
    rating: integer(),
    ratingComment: text(),
    calledBackAt: ts(),
    requestedAt: ts().notNull(),
    updatedAt: ts().notNull(),
  },
  (t) => [
    index().on(t.requestedAt),
    index().on(t.serviceCode, t.requestedAt),
    index().on(t.state, t.dueAt),
    index().on(t.centreId),
  ],
);

/** Parameters of a history message (names, numbers), rendered into its catalog text. */
export type NoteParams = Record<string, string | number>;

/**
 * Every status change, and every comment an Open311 client posts, public (Open311
 * servicerequestupdates). A note written by the system has a message key and parameters, rendered
 * in the reader's language (`note` keeps its zh-CN text for readers without the catalog); a note a
 * person wrote (staff, a client) is `note` alone, shown as written.
 */
export const csRequestUpdates = pgTable(
  "cs_request_updates",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    requestId: bigint({ mode: "number" }).notNull(),
    state: text({ enum: requestStates }).notNull(),
    note: text().notNull(),
    noteKey: text(),
    noteParams: jsonb().$type<NoteParams>().notNull().default({}),
    centreId: text().notNull(),
    actorId: text(),
    at: ts().notNull(),
    /** A client's own id for the update it posted: a retry with the same id writes nothing. */
    externalId: text(),
    /** The status the client reported (OPEN, CLOSED, FIXED, …); the handling state is staff's. */
    clientStatus: text(),
    /** The client's updated_datetime (`at` is when it arrived). */
    reportedAt: ts(),
    mediaUrl: text(),
  },
  (t) => [index().on(t.requestId), index().on(t.at), uniqueIndex().on(t.actorId, t.externalId)],
);

export const csNotices = pgTable(
  "cs_notices",
  {
    id: text().primaryKey(),
    centreId: text().notNull(),
    title: text().notNull(),
    body: text().notNull(),
    publishedAt: ts().notNull(),
  },
  (t) => [index().on(t.centreId)],
);

export const csSlots = pgTable(
  "cs_slots",
  {
    id: text().primaryKey(),
    centreId: text().notNull(),
    serviceCode: text().notNull(),
    startsAt: ts().notNull(),
    endsAt: ts().notNull(),
    capacity: integer().notNull(),
    booked: integer().notNull().default(0),
  },
  (t) => [index().on(t.centreId, t.startsAt)],
);

export const csBookings = pgTable(
  "cs_bookings",
  {
    id: text().primaryKey(),
    slotId: text().notNull(),
    residentName: text().notNull(),
    phone: text().notNull(),
    userId: text(),
    status: text({ enum: ["booked", "cancelled"] })
      .notNull()
      .default("booked"),
    createdAt: ts().notNull(),
    cancelledAt: ts(),
  },
  (t) => [index().on(t.slotId)],
);

export type CentreRow = typeof csCentres.$inferSelect;
export type ServiceRow = typeof csServices.$inferSelect;
export type RequestRow = typeof csRequests.$inferSelect;
export type UpdateRow = typeof csRequestUpdates.$inferSelect;
export type SlotRow = typeof csSlots.$inferSelect;
export type BookingRow = typeof csBookings.$inferSelect;
