import { z } from "@hono/zod-openapi";
import { systemClock, ValidationError } from "@zhengyun/core";
import type { App, AppEnv } from "@zhengyun/http";
import type { ObjectStore, UploadSupport } from "@zhengyun/storage";
import type { Context } from "hono";
import { bookSlot, cancelBooking, listSlots } from "../appointments.ts";
import { acceptRequestMedia, presignRequestMedia } from "../media.ts";
import { noticesFor } from "../notices.ts";
import { submitRequest } from "../requests.ts";
import {
  activeServices,
  noticesForCentre,
  publicCentres,
  rateOwnRequest,
  residentBookings,
  residentRequest,
  residentRequests,
} from "../views.ts";
import {
  csCtx,
  idParam,
  jsonBody,
  jsonOk,
  ME,
  route,
  t,
  textId,
  toJson,
  userOf,
} from "./common.ts";
import {
  bookingSchema,
  centreSchema,
  detailSchema,
  noticeSchema,
  requestSchema,
  serviceSchema,
  slotSchema,
} from "./schemas.ts";
import { ratingInput } from "./staff.ts";

const list = <T extends z.ZodType>(s: T) => z.object({ items: z.array(s) });

/** What a resident reports; the channel and the contact's user id are set by the route. */
export const reportInput = z.object({
  serviceCode: z.string().min(1).max(64),
  description: z.string().trim().max(4000).optional(),
  lat: z.number().min(-90).max(90).optional(),
  long: z.number().min(-180).max(180).optional(),
  address: z.string().trim().max(500).optional(),
  mediaKey: z.string().optional(),
  phone: z.string().max(40).optional(),
  attributes: z.record(z.string(), z.union([z.string(), z.array(z.string())])).default({}),
});
const bookInput = z.object({
  slotId: z.string().min(1),
  residentName: z.string().trim().min(1).max(100),
  phone: z.string().max(20),
});
const areaQuery = z.object({
  centre: z.string().optional(),
  lat: z.coerce.number().optional(),
  long: z.coerce.number().optional(),
});

const R = {
  services: route({
    method: "get",
    path: `${ME}/services`,
    permission: "citizen:self",
    summary: "Services a resident can report or book",
    request: { params: t },
    responses: { 200: jsonOk("services", list(serviceSchema)) },
  }),
  centres: route({
    method: "get",
    path: `${ME}/centres`,
    permission: "citizen:self",
    summary: "Service centres (address, hours, contact)",
    request: { params: t },
    responses: { 200: jsonOk("centres", list(centreSchema)) },
  }),
  report: route({
    method: "post",
    path: `${ME}/requests`,
    permission: "citizen:self",
    summary: "Report a problem or ask for a service (coordinates optional, or an address)",
    request: { params: t, body: jsonBody(reportInput) },
    responses: {
      201: jsonOk(
        "submitted",
        z.object({ id: z.string(), dueAt: z.string(), serviceNotice: z.string() }),
      ),
    },
  }),
  mine: route({
    method: "get",
    path: `${ME}/requests`,
    permission: "citizen:self",
    summary: "The resident's own requests, newest first",
    request: { params: t },
    responses: { 200: jsonOk("requests", list(requestSchema)) },
  }),
  one: route({
    method: "get",
    path: `${ME}/requests/{id}`,
    permission: "citizen:self",
    summary: "One of the resident's requests with its history",
    request: { params: idParam },
    responses: { 200: jsonOk("request", detailSchema) },
  }),
  rate: route({
    method: "post",
    path: `${ME}/requests/{id}/rating`,
    permission: "citizen:self",
    summary: "Rate an answered request (closes it)",
    request: { params: idParam, body: jsonBody(ratingInput) },
    responses: { 200: jsonOk("rated", detailSchema) },
  }),
  presign: route({
    method: "post",
    path: `${ME}/media`,
    permission: "citizen:self",
    summary: "A presigned upload for a photo or short video (step 1)",
    request: { params: t, body: jsonBody(z.object({ contentType: z.string().min(1) })) },
    responses: { 200: jsonOk("upload", z.record(z.string(), z.unknown())) },
  }),
  accept: route({
    method: "post",
    path: `${ME}/media/accept`,
    permission: "citizen:self",
    summary: "Check an upload and keep it; returns the mediaKey for the report (step 2)",
    request: { params: t, body: jsonBody(z.object({ key: z.string().min(1) })) },
    responses: { 200: jsonOk("accepted", z.object({ mediaKey: z.string() })) },
  }),
  notices: route({
    method: "get",
    path: `${ME}/notices`,
    permission: "citizen:self",
    summary: "Notices for the resident's area: a community centre or a point, and those above",
    request: { params: t, query: areaQuery },
    responses: { 200: jsonOk("notices", list(noticeSchema)) },
  }),
  slots: route({
    method: "get",
    path: `${ME}/slots`,
    permission: "citizen:self",
    summary: "Open appointment slots of a centre",
    request: { params: t, query: z.object({ centre: z.string().min(1) }) },
    responses: { 200: jsonOk("slots", list(slotSchema)) },
  }),
  book: route({
    method: "post",
    path: `${ME}/bookings`,
    permission: "citizen:self",
    summary: "Book a seat (409 when full)",
    request: { params: t, body: jsonBody(bookInput) },
    responses: { 201: jsonOk("booked", bookingSchema) },
  }),
  bookings: route({
    method: "get",
    path: `${ME}/bookings`,
    permission: "citizen:self",
    summary: "The resident's bookings",
    request: { params: t },
    responses: {
      200: jsonOk("bookings", list(z.object({ booking: bookingSchema, slot: slotSchema }))),
    },
  }),
  cancel: route({
    method: "delete",
    path: `${ME}/bookings/{id}`,
    permission: "citizen:self",
    summary: "Cancel one's own booking",
    request: { params: textId },
    responses: { 204: { description: "cancelled" } },
  }),
};

function store(c: Context<AppEnv>): ObjectStore & UploadSupport {
  const s = c.var.deps.storage;
  if (!s || !("presignUpload" in s)) throw new ValidationError("File uploads are not configured");
  return s as ObjectStore & UploadSupport;
}

/** A resident's report as the verb's input: web channel, their user id in the contact. */
export function reportOf(userId: string, i: z.output<typeof reportInput>) {
  const { phone, ...rest } = i;
  return {
    ...rest,
    channel: "web" as const,
    contact: { userId, ...(phone ? { phone } : {}) },
  };
}

export function registerResidentRoutes(app: App): void {
  app.openapi(R.services, async (c) =>
    c.json(list(serviceSchema).parse({ items: await activeServices(csCtx(c)) }), 200),
  );
  app.openapi(R.centres, async (c) =>
    c.json(list(centreSchema).parse({ items: await publicCentres(csCtx(c)) }), 200),
  );
  app.openapi(R.report, async (c) => {
    const s = await submitRequest({
      ctx: csCtx(c),
      input: reportOf(userOf(c), c.req.valid("json")),
    });
    return c.json({ id: s.id, dueAt: s.dueAt.toISOString(), serviceNotice: s.serviceNotice }, 201);
  });
  app.openapi(R.mine, async (c) => {
    const rows = await residentRequests(csCtx(c), userOf(c));
    return c.json(list(requestSchema).parse(toJson({ items: rows })), 200);
  });
  app.openapi(R.one, async (c) => {
    const v = await residentRequest(csCtx(c), userOf(c), c.req.valid("param").id);
    return c.json(detailSchema.parse(toJson(v)), 200);
  });
  app.openapi(R.rate, async (c) => {
    const ctx = csCtx(c);
    const { id } = c.req.valid("param");
    await rateOwnRequest(ctx, userOf(c), id, c.req.valid("json"));
    return c.json(detailSchema.parse(toJson(await residentRequest(ctx, userOf(c), id))), 200);
  });
  app.openapi(R.presign, async (c) => {
    const ctx = csCtx(c);
    const post = await presignRequestMedia(
      store(c),
      ctx.tenant.id,
      c.req.valid("json").contentType,
    );
    return c.json(toJson(post) as Record<string, unknown>, 200);
  });
  app.openapi(R.accept, async (c) => {
    const ctx = csCtx(c);
    const mediaKey = await acceptRequestMedia(store(c), ctx.tenant.id, c.req.valid("json").key);
    return c.json({ mediaKey }, 200);
  });
  app.openapi(R.notices, async (c) => {
    const ctx = csCtx(c);
    const q = c.req.valid("query");
    const rows = q.centre
      ? await noticesForCentre(ctx, q.centre)
      : q.lat !== undefined && q.long !== undefined
        ? await noticesFor({ ctx, input: { lat: q.lat, long: q.long } })
        : [];
    return c.json(list(noticeSchema).parse(toJson({ items: rows })), 200);
  });
  app.openapi(R.slots, async (c) => {
    const ctx = csCtx(c);
    const from = (ctx.clock ?? systemClock).now();
    const rows = await listSlots({ ctx, input: { centreId: c.req.valid("query").centre, from } });
    return c.json(list(slotSchema).parse(toJson({ items: rows })), 200);
  });
  app.openapi(R.book, async (c) => {
    const input = { ...c.req.valid("json"), userId: userOf(c) };
    return c.json(bookingSchema.parse(toJson(await bookSlot({ ctx: csCtx(c), input }))), 201);
  });
  app.openapi(R.bookings, async (c) => {
    const rows = await residentBookings(csCtx(c), userOf(c));
    return c.json(
      list(z.object({ booking: bookingSchema, slot: slotSchema })).parse(toJson({ items: rows })),
      200,
    );
  });
  app.openapi(R.cancel, async (c) => {
    const input = { bookingId: c.req.valid("param").id, userId: userOf(c) };
    await cancelBooking({ ctx: csCtx(c), input });
    return c.body(null, 204);
  });
}
