import { z } from "@hono/zod-openapi";
import { type App, defineRoute } from "@zhengyun/http";
import { billingDocumentSchema } from "../pdf/schema.ts";
import { documentPdf, issuedDocument } from "./documents.ts";
import { invoiceLinesCsv } from "./lines-csv.ts";
import { revenueSummary } from "./revenue.ts";

const READ = "platform.billing:read";
const params = z.object({ id: z.string().openapi({ example: "inv_01JF... or cn_01JF..." }) });
const month = z.string().openapi({ example: "2026-10" });

export const documentRoute = defineRoute({
  method: "get",
  path: "/api/v1/billing/documents/{id}",
  permission: READ,
  tags: ["billing"],
  summary: "An issued invoice or credit note as frozen on issue (JSON rendering)",
  request: { params },
  responses: {
    200: {
      description: "document",
      content: { "application/json": { schema: billingDocumentSchema } },
    },
  },
});

export const documentPdfRoute = defineRoute({
  method: "get",
  path: "/api/v1/billing/documents/{id}/pdf",
  permission: READ,
  tags: ["billing"],
  summary: "An issued invoice or credit note as PDF",
  request: { params },
  responses: {
    200: {
      description: "PDF",
      content: { "application/pdf": { schema: z.string().openapi({ format: "binary" }) } },
    },
  },
});

export const linesCsvRoute = defineRoute({
  method: "get",
  path: "/api/v1/billing/exports/invoice-lines",
  permission: READ,
  tags: ["billing"],
  summary: "CSV of the invoice lines of a month",
  request: { query: z.object({ period: month }) },
  responses: { 200: { description: "CSV", content: { "text/csv": { schema: z.string() } } } },
});

export const revenueResponse = z
  .array(
    z.object({
      month: z.string(),
      module: z.string().nullable(),
      feeType: z.string(),
      invoicedFen: z.number().int(),
      creditedFen: z.number().int(),
      netFen: z.number().int(),
      taxFen: z.number().int(),
    }),
  )
  .openapi("RevenueSummary");

export const revenueRoute = defineRoute({
  method: "get",
  path: "/api/v1/billing/exports/revenue",
  permission: READ,
  tags: ["billing"],
  summary: "Revenue by month, module and fee type, net of credit notes",
  request: { query: z.object({ from: month, to: month }) },
  responses: {
    200: { description: "summary", content: { "application/json": { schema: revenueResponse } } },
  },
});

export function registerExportRoutes(app: App): void {
  app.openapi(documentRoute, async (c) => {
    const doc = await issuedDocument(c.var.deps.db, c.req.valid("param").id);
    return c.json(billingDocumentSchema.parse(doc), 200);
  });
  app.openapi(documentPdfRoute, async (c) => {
    const { number, pdf } = await documentPdf(c.var.deps.db, c.req.valid("param").id);
    return c.body(new Uint8Array(pdf), 200, {
      "content-type": "application/pdf",
      "content-disposition": `attachment; filename="${number}.pdf"`,
    });
  });
  app.openapi(linesCsvRoute, async (c) => {
    const { period } = c.req.valid("query");
    const csv = await invoiceLinesCsv(c.var.deps.db, period);
    // A BOM so spreadsheet programs read the Chinese descriptions as UTF-8.
    return c.body(`\uFEFF${csv}`, 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="invoice-lines-${period}.csv"`,
    });
  });
  app.openapi(revenueRoute, async (c) => {
    const { from, to } = c.req.valid("query");
    return c.json(revenueResponse.parse(await revenueSummary(c.var.deps.db, from, to)), 200);
  });
}
