import { z } from "@hono/zod-openapi";
import { requestStates } from "../schema.ts";

/** How soon a deadline counts as "due soon" in the queue. */
export const DUE_SOON_MS = 24 * 3_600_000;

const when = z.string().openapi({ format: "date-time" });

export const requestSchema = z
  .object({
    id: z.number().int(),
    token: z.string(),
    serviceCode: z.string(),
    channel: z.string(),
    description: z.string().nullable(),
    lat: z.number().nullable(),
    long: z.number().nullable(),
    address: z.string().nullable(),
    mediaKey: z.string().nullable(),
    centreId: z.string(),
    state: z.enum(requestStates),
    escalations: z.number().int(),
    dueAt: when,
    mergedInto: z.number().int().nullable(),
    rating: z.number().int().nullable(),
    ratingComment: z.string().nullable(),
    requestedAt: when,
    updatedAt: when,
  })
  .openapi("CommunityRequest");

export const queueItemSchema = requestSchema.extend({ dueSoon: z.boolean(), overdue: z.boolean() });

/** A history row: `note` as stored (zh-CN for system notes), their key and params to localise. */
export const updateSchema = z.object({
  state: z.enum(requestStates),
  note: z.string(),
  noteKey: z.string().nullable(),
  noteParams: z.record(z.string(), z.union([z.string(), z.number()])),
  clientStatus: z.string().nullable(),
  centreId: z.string(),
  at: when,
});

export const centreSchema = z
  .object({
    id: z.string(),
    parentId: z.string().nullable(),
    level: z.string(),
    name: z.string(),
    path: z.string(),
    address: z.string().nullable(),
    openingHours: z.string().nullable(),
    contact: z.string().nullable(),
    lat: z.number().nullable(),
    long: z.number().nullable(),
  })
  .openapi("CommunityCentre");

export const detailSchema = z.object({
  request: requestSchema,
  updates: z.array(updateSchema),
  centre: centreSchema.nullable(),
});

export const noticeSchema = z.object({
  id: z.string(),
  centreId: z.string(),
  title: z.string(),
  body: z.string(),
  publishedAt: when,
});

export const slotSchema = z.object({
  id: z.string(),
  centreId: z.string(),
  serviceCode: z.string(),
  startsAt: when,
  endsAt: when,
  capacity: z.number().int(),
  booked: z.number().int(),
});

export const bookingSchema = z.object({
  id: z.string(),
  slotId: z.string(),
  residentName: z.string(),
  phone: z.string(),
  status: z.enum(["booked", "cancelled"]),
  createdAt: when,
  cancelledAt: when.nullable(),
});

export const serviceSchema = z
  .object({
    code: z.string(),
    group: z.string().nullable(),
    nameZh: z.string(),
    nameEn: z.string(),
    description: z.string().nullable(),
    keywords: z.string().nullable(),
    level: z.string(),
    slaUnit: z.enum(["hours", "days"]),
    slaAmount: z.number().int(),
    attributes: z.array(z.record(z.string(), z.unknown())),
    active: z.boolean(),
  })
  .openapi("CommunityService");

/** Deadline flags relative to `now`: open requests only. */
export function flags(r: { state: string; dueAt: Date }, now: Date) {
  const open = r.state !== "replied" && r.state !== "closed";
  const left = r.dueAt.getTime() - now.getTime();
  return { overdue: open && left <= 0, dueSoon: open && left > 0 && left <= DUE_SOON_MS };
}
