import { z } from "@hono/zod-openapi";
import type { App } from "@zhengyun/http";
import { calendarYear } from "../calendar.ts";
import { getItem, listItems } from "../catalogue.ts";
import { verifyCertificate } from "../certificates.ts";
import { BASE, codeParam, jsonOk, portalCtx, route, t, tenantParam, toJson } from "./common.ts";

export const itemSchema = z.record(z.string(), z.unknown()).openapi("PortalItem");
export const verificationSchema = z
  .object({
    code: z.string(),
    status: z.enum(["valid", "expired", "revoked"]),
    number: z.string(),
    holder: z.string(),
    itemName: z.string(),
    issuingBody: z.string(),
    validFrom: z.string(),
    validUntil: z.string().nullable(),
  })
  .openapi("PortalCertificateVerification");

const items = route({
  method: "get",
  path: `${BASE}/items`,
  permission: "public",
  summary: "The service-item catalogue (政务服务事项)",
  request: {
    params: t,
    query: z.object({
      page: z.coerce.number().int().min(1).max(10_000).default(1),
      size: z.coerce.number().int().min(1).max(200).default(50),
    }),
  },
  responses: { 200: jsonOk("items", z.object({ items: z.array(itemSchema) })) },
});
const item = route({
  method: "get",
  path: `${BASE}/items/{code}`,
  permission: "public",
  summary: "One service item with its materials, steps and time limits",
  request: { params: codeParam },
  responses: { 200: jsonOk("item", itemSchema) },
});
const verify = route({
  method: "get",
  path: `${BASE}/certificates/{code}/verification`,
  permission: "public",
  summary: "Verify a certificate by its code (联网核查): valid, expired or revoked",
  request: { params: codeParam },
  responses: { 200: jsonOk("verification", verificationSchema) },
});
const calendar = route({
  method: "get",
  path: `${BASE}/calendar/{year}`,
  permission: "public",
  summary: "The tenant's working-day calendar: holidays, adjusted working days and local edits",
  request: {
    params: z.object({ tenant: tenantParam, year: z.coerce.number().int().min(2000).max(2100) }),
  },
  responses: {
    200: jsonOk(
      "days",
      z.object({
        days: z.array(
          z.object({
            day: z.string(),
            working: z.boolean(),
            edited: z.boolean(),
            note: z.string(),
          }),
        ),
      }),
    ),
  },
});

/** Worker-safe, read-only routes of the public portal. */
export function registerPublicRoutes(app: App): void {
  app.openapi(items, async (c) => {
    c.header("Cache-Control", "public, max-age=60");
    // Items hold no Dates, so no toJson copy: on a page of 50 it was a third of the route's cost.
    return c.json({ items: await listItems(portalCtx(c), c.req.valid("query")) }, 200);
  });
  app.openapi(item, async (c) => {
    c.header("Cache-Control", "public, max-age=60");
    return c.json(
      toJson(await getItem(portalCtx(c), c.req.valid("param").code)) as Record<string, unknown>,
      200,
    );
  });
  app.openapi(verify, async (c) => {
    // Revocation must show at once: never cached.
    c.header("Cache-Control", "no-store");
    return c.json(
      verificationSchema.parse(await verifyCertificate(portalCtx(c), c.req.valid("param").code)),
      200,
    );
  });
  app.openapi(calendar, async (c) => {
    const days = await calendarYear(portalCtx(c), c.req.valid("param").year);
    return c.json({ days }, 200);
  });
}
