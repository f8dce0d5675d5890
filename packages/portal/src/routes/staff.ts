import { z } from "@hono/zod-openapi";
import { ForbiddenError } from "@zhengyun/core";
import type { App } from "@zhengyun/http";
import { applicationQueue, getApplication } from "../applications.ts";
import { calendarEditInput, editCalendarDay } from "../calendar.ts";
import { exportCatalogue, importCatalogue, itemInput, saveItem } from "../catalogue.ts";
import { renderCertificatePdf } from "../certificate-pdf.ts";
import {
  certificateByCode,
  issueCertificate,
  issueInput,
  revokeCertificate,
  revokeInput,
  verification,
} from "../certificates.ts";
import { actionInput, actOnApplication } from "../workflow.ts";
import { applicationSchema, isCaseStaff, viewJson } from "./applications.ts";
import {
  BASE,
  codeParam,
  idParam,
  jsonBody,
  jsonOk,
  portalCtx,
  route,
  t,
  toJson,
} from "./common.ts";
import { itemSchema, verificationSchema } from "./public.ts";

const queueSchema = z
  .object({
    items: z.array(
      applicationSchema.extend({
        due: z.string().nullable(),
        dueSoon: z.boolean(),
        overdue: z.boolean(),
      }),
    ),
  })
  .openapi("PortalQueue");
const catalogueJson = z.object({ version: z.literal(1), items: z.array(itemSchema) });

const queue = route({
  method: "get",
  path: `${BASE}/queue`,
  permission: "cases:read",
  summary: "Open applications by deadline, with due-soon and overdue flags",
  request: { params: t },
  responses: {
    200: jsonOk(
      "queue",
      z.object({
        items: z.array(
          applicationSchema.extend({
            due: z.string().nullable(),
            dueSoon: z.boolean(),
            overdue: z.boolean(),
          }),
        ),
      }),
    ),
  },
});
const act = route({
  method: "post",
  path: `${BASE}/applications/{id}/actions`,
  permission: "cases:write",
  summary:
    "Accept, refuse to accept, notify (一次性告知), review, suspend, resume, decide or complete",
  request: { params: idParam, body: jsonBody(actionInput) },
  responses: {
    200: jsonOk(
      "moved",
      z.object({ application: applicationSchema, timeline: z.array(z.unknown()) }),
    ),
  },
});
const issue = route({
  method: "post",
  path: `${BASE}/applications/{id}/certificate`,
  permission: "cases:write",
  summary: "Issue the electronic certificate of an approved application",
  request: { params: idParam, body: jsonBody(issueInput) },
  responses: { 201: jsonOk("issued", verificationSchema) },
});
const revoke = route({
  method: "post",
  path: `${BASE}/certificates/{code}/revocation`,
  permission: "cases:write",
  summary: "Revoke a certificate with a reason",
  request: { params: codeParam, body: jsonBody(revokeInput) },
  responses: { 200: jsonOk("revoked", verificationSchema) },
});
const pdf = route({
  method: "get",
  path: `${BASE}/certificates/{code}/pdf`,
  permission: "account:self",
  summary: "The certificate PDF with its verification code and QR code (holder or case staff)",
  request: { params: codeParam },
  responses: {
    200: {
      description: "PDF",
      content: { "application/pdf": { schema: z.string().openapi({ format: "binary" }) } },
    },
  },
});
const save = route({
  method: "put",
  path: `${BASE}/items/{code}`,
  permission: "portal:write",
  summary: "Create or update a service item (promised ≤ legal time limit)",
  request: { params: codeParam, body: jsonBody(itemInput) },
  responses: { 200: jsonOk("saved", itemSchema) },
});
const exportRoute = route({
  method: "get",
  path: `${BASE}/catalogue`,
  permission: "portal:read",
  summary: "Export the whole service-item catalogue as JSON",
  request: { params: t },
  responses: {
    200: jsonOk("catalogue", z.object({ version: z.literal(1), items: z.array(itemSchema) })),
  },
});
const importRoute = route({
  method: "post",
  path: `${BASE}/catalogue`,
  permission: "portal:write",
  summary: "Import a catalogue JSON export: every item or none",
  request: {
    params: t,
    body: jsonBody(z.object({ version: z.literal(1), items: z.array(z.unknown()) })),
  },
  responses: { 200: jsonOk("imported", z.object({ imported: z.number().int() })) },
});
const calendar = route({
  method: "put",
  path: `${BASE}/calendar/{day}`,
  permission: "tenant.settings:manage",
  summary: "Declare a day off or working in the tenant's calendar, or restore the national default",
  request: {
    params: z.object({ tenant: t.shape.tenant, day: z.string() }),
    body: jsonBody(calendarEditInput.omit({ day: true })),
  },
  responses: { 204: { description: "saved" } },
});

export function registerStaffRoutes(app: App): void {
  app.openapi(queue, async (c) =>
    c.json(queueSchema.parse({ items: toJson(await applicationQueue(portalCtx(c))) }), 200),
  );
  app.openapi(act, async (c) => {
    const ctx = portalCtx(c);
    const { id } = c.req.valid("param");
    await actOnApplication({ ctx, ref: id, input: c.req.valid("json") });
    return c.json(viewJson(await getApplication(ctx, id, true)), 200);
  });
  app.openapi(issue, async (c) => {
    const ctx = portalCtx(c);
    const cert = await issueCertificate({
      ctx,
      ref: c.req.valid("param").id,
      input: c.req.valid("json"),
    });
    return c.json(verification(cert, new Date()), 201);
  });
  app.openapi(revoke, async (c) => {
    const { code } = c.req.valid("param");
    return c.json(
      await revokeCertificate({ ctx: portalCtx(c), code, input: c.req.valid("json") }),
      200,
    );
  });
  app.openapi(pdf, async (c) => {
    const ctx = portalCtx(c);
    const cert = await certificateByCode(ctx, c.req.valid("param").code);
    // The holder reaches it through their application; staff through their permission.
    if (!isCaseStaff(c)) await getApplication(ctx, String(cert.applicationId), false);
    const url = new URL(`/t/${ctx.tenant.slug}/verify/${cert.code}`, c.req.url).toString();
    const body = await renderCertificatePdf(cert, url);
    return c.body(new Uint8Array(body), 200, {
      "Content-Type": "application/pdf",
      "Content-Disposition": `inline; filename="${cert.number}.pdf"`,
    });
  });
  app.openapi(save, async (c) => {
    const body = c.req.valid("json");
    if (body.code !== c.req.valid("param").code)
      throw new ForbiddenError("The code in the body must match the URL");
    return c.json(
      toJson(await saveItem({ ctx: portalCtx(c), input: body })) as Record<string, unknown>,
      200,
    );
  });
  app.openapi(exportRoute, async (c) =>
    c.json(catalogueJson.parse(toJson(await exportCatalogue(portalCtx(c)))), 200),
  );
  app.openapi(importRoute, async (c) =>
    c.json(await importCatalogue({ ctx: portalCtx(c), input: c.req.valid("json") }), 200),
  );
  app.openapi(calendar, async (c) => {
    await editCalendarDay({
      ctx: portalCtx(c),
      input: { ...c.req.valid("json"), day: c.req.valid("param").day },
    });
    return c.body(null, 204);
  });
}
