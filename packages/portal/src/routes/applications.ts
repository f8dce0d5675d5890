import { z } from "@hono/zod-openapi";
import { permissionsOfRoles } from "@zhengyun/auth";
import type { App, AppEnv } from "@zhengyun/http";
import type { Context } from "hono";
import { applyInput, getApplication, submitApplication } from "../applications.ts";
import { MATERIAL_TYPES, presignMaterial } from "../materials.ts";
import { rateApplication, ratingInput } from "../rating.ts";
import { supplementApplication, supplementInput } from "../workflow.ts";
import {
  BASE,
  idParam,
  jsonBody,
  jsonOk,
  materialStore,
  portalCtx,
  requireStore,
  route,
  t,
  toJson,
} from "./common.ts";

/** Citizens and staff share these routes; the verbs limit a citizen to their own applications. */
const SELF = "account:self";

export const applicationSchema = z
  .object({
    id: z.number().int(),
    tracking: z.string(),
    itemCode: z.string(),
    applicantName: z.string(),
    state: z.string(),
    form: z.record(z.string(), z.string()),
    materials: z.array(
      z.object({ name: z.string(), key: z.string(), contentType: z.string(), size: z.number() }),
    ),
    receivedAt: z.string(),
    acceptedAt: z.string().nullable(),
    deemedAccepted: z.boolean(),
    suspendedDays: z.number().int(),
    dueAt: z.string().nullable(),
    decision: z.string().nullable(),
    rating: z.number().int().nullable(),
  })
  .openapi("PortalApplication");
export const timelineSchema = z.array(
  z.object({
    state: z.string(),
    action: z.string(),
    note: z.string(),
    data: z.record(z.string(), z.unknown()),
    at: z.string(),
  }),
);
export const applicationViewSchema = z
  .object({ application: applicationSchema, timeline: timelineSchema })
  .openapi("PortalApplicationView");
export type ApplicationView = z.infer<typeof applicationViewSchema>;

/** Staff holding cases:read see every application of the tenant; anyone else only their own. */
export const isCaseStaff = (c: Context<AppEnv>): boolean => {
  const p = c.var.principal;
  return !!p && p.kind === "staff" && permissionsOfRoles(p.roles).has("cases:read");
};

const presign = route({
  method: "post",
  path: `${BASE}/uploads`,
  permission: SELF,
  summary: "A presigned POST for one application material (PDF, JPEG or PNG, at most 20 MB)",
  request: {
    params: t,
    body: jsonBody(z.object({ contentType: z.enum(MATERIAL_TYPES as [string, ...string[]]) })),
  },
  responses: {
    201: jsonOk(
      "presigned",
      z.object({
        url: z.string(),
        fields: z.record(z.string(), z.string()),
        key: z.string(),
        expiresAt: z.string(),
      }),
    ),
  },
});
const create = route({
  method: "post",
  path: `${BASE}/applications`,
  permission: SELF,
  summary: "Apply for a service item online (办件): form fields and uploaded materials",
  request: { params: t, body: jsonBody(applyInput) },
  responses: { 201: jsonOk("received", applicationViewSchema) },
});
const read = route({
  method: "get",
  path: `${BASE}/applications/{id}`,
  permission: SELF,
  summary: "An application and its timeline, by id or tracking number",
  request: { params: idParam },
  responses: { 200: jsonOk("application", applicationViewSchema) },
});
const supplement = route({
  method: "post",
  path: `${BASE}/applications/{id}/supplement`,
  permission: SELF,
  summary: "Answer a one-time notice (一次性告知) with the missing materials",
  request: { params: idParam, body: jsonBody(supplementInput) },
  responses: { 200: jsonOk("received again", applicationViewSchema) },
});
const rate = route({
  method: "post",
  path: `${BASE}/applications/{id}/rating`,
  permission: SELF,
  summary: "Rate a completed application (好差评, 1–5); 1 and 2 open a follow-up",
  request: { params: idParam, body: jsonBody(ratingInput) },
  responses: {
    200: jsonOk(
      "rated",
      z.object({ rating: z.number().int(), followupDueAt: z.string().nullable() }),
    ),
  },
});

export const viewJson = (v: unknown) => applicationViewSchema.parse(toJson(v));

export function registerApplicationRoutes(app: App): void {
  app.openapi(presign, async (c) => {
    const post = await presignMaterial(
      requireStore(c),
      portalCtx(c).tenant.id,
      c.req.valid("json").contentType,
    );
    return c.json({ ...post, expiresAt: new Date(post.expiresAt).toISOString() }, 201);
  });
  app.openapi(create, async (c) => {
    const ctx = portalCtx(c);
    const store = materialStore(c);
    const made = await submitApplication({
      ctx,
      input: c.req.valid("json"),
      ...(store ? { store } : {}),
    });
    return c.json(viewJson(await getApplication(ctx, String(made.id), true)), 201);
  });
  app.openapi(read, async (c) =>
    c.json(
      viewJson(await getApplication(portalCtx(c), c.req.valid("param").id, isCaseStaff(c))),
      200,
    ),
  );
  app.openapi(supplement, async (c) => {
    const ctx = portalCtx(c);
    const store = materialStore(c);
    const { id } = c.req.valid("param");
    await supplementApplication({
      ctx,
      ref: id,
      input: c.req.valid("json"),
      ...(store ? { store } : {}),
    });
    return c.json(viewJson(await getApplication(ctx, id, false)), 200);
  });
  app.openapi(rate, async (c) => {
    const r = await rateApplication({
      ctx: portalCtx(c),
      ref: c.req.valid("param").id,
      input: c.req.valid("json"),
    });
    return c.json(
      { rating: r.rating, followupDueAt: r.followup?.dueAt.toISOString() ?? null },
      200,
    );
  });
}
