import { z } from "@hono/zod-openapi";
import { type App, defineRoute } from "@zhengyun/http";
import { getInvoice, listInvoices } from "../views.ts";

const flag = z.object({ code: z.string(), detail: z.string() });
const summary = z.object({
  id: z.string(),
  tenant: z.string(),
  tenantName: z.string(),
  period: z.string(),
  status: z.enum(["draft", "approved", "issued", "void"]),
  number: z.string().nullable(),
  subtotalFen: z.number().int(),
  taxFen: z.number().int(),
  totalFen: z.number().int(),
  flags: z.array(flag),
});
export const invoiceListResponse = z.array(summary).openapi("InvoiceList");

export const invoiceDetailResponse = summary
  .extend({
    lines: z.array(
      z.object({
        id: z.string(),
        position: z.number().int(),
        kind: z.string(),
        description: z.string(),
        quantity: z.string(),
        unitPriceFen: z.string(),
        amountFen: z.number().int(),
        taxCategory: z.string(),
        taxRateBp: z.number().int(),
        taxFen: z.number().int(),
        module: z.string().nullable(),
        meter: z.string().nullable(),
        equipmentId: z.string().nullable(),
        details: z.unknown(),
      }),
    ),
    usageByDay: z.array(
      z.object({
        meter: z.string(),
        unit: z.string(),
        points: z.array(z.object({ start: z.string(), quantity: z.number() })),
      }),
    ),
  })
  .openapi("InvoiceDetail");
export type InvoiceDetailResponse = z.infer<typeof invoiceDetailResponse>;

export const listInvoicesRoute = defineRoute({
  method: "get",
  path: "/api/v1/billing/invoices",
  permission: "platform.billing:read",
  tags: ["billing"],
  summary: "Invoices of a month with their anomaly flags",
  request: { query: z.object({ period: z.string().openapi({ example: "2026-10" }) }) },
  responses: {
    200: {
      description: "invoices",
      content: { "application/json": { schema: invoiceListResponse } },
    },
  },
});

export const getInvoiceRoute = defineRoute({
  method: "get",
  path: "/api/v1/billing/invoices/{id}",
  permission: "platform.billing:read",
  tags: ["billing"],
  summary: "An invoice with its lines and usage by day per meter (the drill-down chart)",
  request: { params: z.object({ id: z.string() }) },
  responses: {
    200: {
      description: "invoice",
      content: { "application/json": { schema: invoiceDetailResponse } },
    },
  },
});

export function registerInvoiceViews(app: App): void {
  app.openapi(listInvoicesRoute, async (c) => {
    const rows = await listInvoices(c.var.deps.db, c.req.valid("query").period);
    return c.json(invoiceListResponse.parse(rows), 200);
  });
  app.openapi(getInvoiceRoute, async (c) => {
    const inv = await getInvoice(c.var.deps.db, c.req.valid("param").id);
    return c.json(invoiceDetailResponse.parse(inv), 200);
  });
}
