import { z } from "@hono/zod-openapi";
import { systemClock } from "@zhengyun/core";
import type { App } from "@zhengyun/http";
import { createSlot } from "../appointments.ts";
import { assignStaff, centreInput, createCentre, updateCentre } from "../centres.ts";
import { advanceRequest, listQueue, mergeDuplicate } from "../handling.ts";
import { publishNotice } from "../notices.ts";
import { enterRequest, submitInput } from "../requests.ts";
import { requestStates } from "../schema.ts";
import { saveService, serviceInput } from "../services.ts";
import {
  activeServices,
  callBack,
  centreInScope,
  noticesOf,
  scopedCentres,
  slotBookings,
  staffRequest,
  staffSlots,
} from "../views.ts";
import {
  BASE,
  csCtx,
  idParam,
  isTenantAdmin,
  jsonBody,
  jsonOk,
  route,
  t,
  textId,
  toJson,
} from "./common.ts";
import {
  bookingSchema,
  centreSchema,
  detailSchema,
  flags,
  noticeSchema,
  queueItemSchema,
  serviceSchema,
  slotSchema,
} from "./schemas.ts";

const list = <T extends z.ZodType>(s: T) => z.object({ items: z.array(s) });
const bookingsSchema = z.object({ slot: slotSchema, items: z.array(bookingSchema) });
const done = { 204: { description: "done" } };
const stateQuery = z.object({ state: z.enum(requestStates).optional() });

export const actionInput = z.object({
  to: z.enum(["dispatched", "in_progress", "replied", "closed"]),
  note: z.string().trim().min(1).max(2000),
  centreId: z.string().optional(),
});
export const mergeInput = z.object({ intoId: z.coerce.number().int().positive() });
export const ratingInput = z.object({
  rating: z.coerce.number().int().min(1).max(5),
  comment: z.string().trim().max(1000).optional(),
});
const noticeInput = z.object({
  centreId: z.string().min(1),
  title: z.string().trim().min(1).max(200),
  body: z.string().trim().min(1).max(10_000),
});
const slotInput = z.object({
  centreId: z.string().min(1),
  serviceCode: z.string().min(1).max(64),
  startsAt: z.string().openapi({ format: "date-time" }),
  endsAt: z.string().openapi({ format: "date-time" }),
  capacity: z.number().int().positive().max(1000),
});
const centreEdit = centreInput
  .pick({ name: true, address: true, openingHours: true, contact: true, lat: true, long: true })
  .partial();

const R = {
  queue: route({
    method: "get",
    path: `${BASE}/queue`,
    permission: "community:read",
    summary: "Requests of the staff member's subtree, earliest deadline first",
    request: { params: t, query: stateQuery },
    responses: { 200: jsonOk("queue", list(queueItemSchema)) },
  }),
  detail: route({
    method: "get",
    path: `${BASE}/requests/{id}`,
    permission: "community:read",
    summary: "A request with its public history (404 outside the subtree)",
    request: { params: idParam },
    responses: { 200: jsonOk("request", detailSchema) },
  }),
  enter: route({
    method: "post",
    path: `${BASE}/requests`,
    permission: "community:write",
    summary: "Enter a phone or counter request on a resident's behalf (channel phone or counter)",
    request: { params: t, body: jsonBody(submitInput) },
    responses: { 201: jsonOk("submitted", z.object({ id: z.string(), token: z.string() })) },
  }),
  act: route({
    method: "post",
    path: `${BASE}/requests/{id}/actions`,
    permission: "community:write",
    summary: "Dispatch (optionally to a centre below), start, reply or close",
    request: { params: idParam, body: jsonBody(actionInput) },
    responses: { 200: jsonOk("moved", detailSchema) },
  }),
  merge: route({
    method: "post",
    path: `${BASE}/requests/{id}/merge`,
    permission: "community:write",
    summary: "Close this request as a duplicate of another",
    request: { params: idParam, body: jsonBody(mergeInput) },
    responses: { 200: jsonOk("merged", detailSchema) },
  }),
  callBack: route({
    method: "post",
    path: `${BASE}/requests/{id}/call-back`,
    permission: "community:write",
    summary: "Record the resident's rating taken by phone (回访); closes a replied request",
    request: { params: idParam, body: jsonBody(ratingInput) },
    responses: { 200: jsonOk("closed", detailSchema) },
  }),
  centres: route({
    method: "get",
    path: `${BASE}/centres`,
    permission: "community:read",
    summary: "The centres of the staff member's subtree, top-down",
    request: { params: t },
    responses: { 200: jsonOk("centres", list(centreSchema)) },
  }),
  addCentre: route({
    method: "post",
    path: `${BASE}/centres`,
    permission: "tenant.settings:manage",
    summary: "Add a centre one level below its parent (tenant admin)",
    request: { params: t, body: jsonBody(centreInput) },
    responses: { 201: jsonOk("created", centreSchema) },
  }),
  editCentre: route({
    method: "patch",
    path: `${BASE}/centres/{id}`,
    permission: "tenant.settings:manage",
    summary: "Edit a centre's public details (tenant admin)",
    request: { params: textId, body: jsonBody(centreEdit) },
    responses: { 200: jsonOk("saved", centreSchema) },
  }),
  assign: route({
    method: "post",
    path: `${BASE}/centres/{id}/staff`,
    permission: "tenant.settings:manage",
    summary: "Assign a staff member to a centre (they see it and everything below)",
    request: { params: textId, body: jsonBody(z.object({ userId: z.string().min(1) })) },
    responses: done,
  }),
  services: route({
    method: "get",
    path: `${BASE}/services`,
    permission: "community:read",
    summary: "The active service catalogue",
    request: { params: t },
    responses: { 200: jsonOk("services", list(serviceSchema)) },
  }),
  saveService: route({
    method: "put",
    path: `${BASE}/services/{id}`,
    permission: "community:write",
    summary: "Create or replace a service with its Open311 attributes",
    request: { params: textId, body: jsonBody(serviceInput.omit({ code: true })) },
    responses: { 200: jsonOk("saved", serviceSchema) },
  }),
  notices: route({
    method: "get",
    path: `${BASE}/notices`,
    permission: "community:read",
    summary: "Notices of the staff member's centres",
    request: { params: t },
    responses: { 200: jsonOk("notices", list(noticeSchema)) },
  }),
  publish: route({
    method: "post",
    path: `${BASE}/notices`,
    permission: "community:write",
    summary: "Publish a notice for a centre of the subtree",
    request: { params: t, body: jsonBody(noticeInput) },
    responses: { 201: jsonOk("published", noticeSchema) },
  }),
  slots: route({
    method: "get",
    path: `${BASE}/slots`,
    permission: "community:read",
    summary: "Upcoming appointment slots of the subtree's centres",
    request: { params: t },
    responses: { 200: jsonOk("slots", list(slotSchema)) },
  }),
  addSlot: route({
    method: "post",
    path: `${BASE}/slots`,
    permission: "community:write",
    summary: "Open an appointment slot with a capacity",
    request: { params: t, body: jsonBody(slotInput) },
    responses: { 201: jsonOk("created", slotSchema) },
  }),
  bookings: route({
    method: "get",
    path: `${BASE}/slots/{id}/bookings`,
    permission: "community:read",
    summary: "The bookings of a slot",
    request: { params: textId },
    responses: { 200: jsonOk("bookings", bookingsSchema) },
  }),
};

export function registerStaffRoutes(app: App): void {
  const detail = async (c: Parameters<typeof csCtx>[0], id: number) =>
    detailSchema.parse(toJson(await staffRequest(csCtx(c), id)));
  app.openapi(R.queue, async (c) => {
    const ctx = csCtx(c);
    const now = (ctx.clock ?? systemClock).now();
    const state = c.req.valid("query").state;
    const rows = await listQueue({ ctx, input: state ? { state } : {} });
    const items = rows.map((r) => ({ ...(toJson(r) as object), ...flags(r, now) }));
    return c.json(list(queueItemSchema).parse({ items }), 200);
  });
  app.openapi(R.detail, async (c) => c.json(await detail(c, c.req.valid("param").id), 200));
  app.openapi(R.enter, async (c) => {
    const s = await enterRequest({ ctx: csCtx(c), input: c.req.valid("json") });
    return c.json({ id: s.id, token: s.token }, 201);
  });
  app.openapi(R.act, async (c) => {
    const { id } = c.req.valid("param");
    await advanceRequest({ ctx: csCtx(c), input: { ...c.req.valid("json"), requestId: id } });
    return c.json(await detail(c, id), 200);
  });
  app.openapi(R.merge, async (c) => {
    const { id } = c.req.valid("param");
    await mergeDuplicate({ ctx: csCtx(c), input: { requestId: id, ...c.req.valid("json") } });
    return c.json(await detail(c, id), 200);
  });
  app.openapi(R.callBack, async (c) => {
    const { id } = c.req.valid("param");
    await callBack(csCtx(c), id, c.req.valid("json"));
    return c.json(await detail(c, id), 200);
  });
  app.openapi(R.centres, async (c) => {
    const rows = await scopedCentres(csCtx(c), isTenantAdmin(c));
    return c.json(list(centreSchema).parse({ items: rows }), 200);
  });
  app.openapi(R.addCentre, async (c) => {
    const row = await createCentre({ ctx: csCtx(c), input: c.req.valid("json") });
    return c.json(centreSchema.parse(row), 201);
  });
  app.openapi(R.editCentre, async (c) => {
    const input = { ...c.req.valid("json"), id: c.req.valid("param").id };
    return c.json(centreSchema.parse(await updateCentre({ ctx: csCtx(c), input })), 200);
  });
  app.openapi(R.assign, async (c) => {
    const input = { userId: c.req.valid("json").userId, centreId: c.req.valid("param").id };
    await assignStaff({ ctx: csCtx(c), input });
    return c.body(null, 204);
  });
  app.openapi(R.services, async (c) =>
    c.json(list(serviceSchema).parse({ items: await activeServices(csCtx(c)) }), 200),
  );
  app.openapi(R.saveService, async (c) => {
    const input = { ...c.req.valid("json"), code: c.req.valid("param").id };
    return c.json(serviceSchema.parse(await saveService({ ctx: csCtx(c), input })), 200);
  });
  app.openapi(R.notices, async (c) => {
    const ctx = csCtx(c);
    const ids = (await scopedCentres(ctx, false)).map((x) => x.id);
    return c.json(list(noticeSchema).parse(toJson({ items: await noticesOf(ctx, ids) })), 200);
  });
  app.openapi(R.publish, async (c) => {
    const ctx = csCtx(c);
    const input = c.req.valid("json");
    await centreInScope(ctx, input.centreId);
    return c.json(noticeSchema.parse(toJson(await publishNotice({ ctx, input }))), 201);
  });
  app.openapi(R.slots, async (c) => {
    const ctx = csCtx(c);
    const rows = await staffSlots(ctx, (ctx.clock ?? systemClock).now());
    return c.json(list(slotSchema).parse(toJson({ items: rows })), 200);
  });
  app.openapi(R.addSlot, async (c) => {
    const ctx = csCtx(c);
    const input = c.req.valid("json");
    await centreInScope(ctx, input.centreId);
    return c.json(slotSchema.parse(toJson(await createSlot({ ctx, input }))), 201);
  });
  app.openapi(R.bookings, async (c) => {
    const { slot, bookings } = await slotBookings(csCtx(c), c.req.valid("param").id);
    return c.json(bookingsSchema.parse(toJson({ slot, items: bookings })), 200);
  });
}
