import { z } from "@hono/zod-openapi";
import { NotFoundError, systemClock } from "@zhengyun/core";
import { type App, defineRoute } from "@zhengyun/http";
import { actorOf } from "../http/actor.ts";
import { stripeOf } from "../stripe/from-deps.ts";
import { applyStripeEvent, verifyStripeEvent } from "../stripe/webhook.ts";
import { tenantBalance } from "./balance.ts";
import { recordBankTransfer } from "./transfer.ts";

export const bankTransferBody = z.object({
  reference: z.string().openapi({ example: "ICBC-20261110-0001" }),
  amountFen: z.number().int(),
  receivedOn: z.string().openapi({ example: "2026-11-10" }),
});
const paymentResponse = z.object({
  id: z.string(),
  invoiceId: z.string(),
  balanceFen: z.number().int(),
});

export const bankTransferRoute = defineRoute({
  method: "post",
  path: "/api/v1/billing/invoices/{id}/payments",
  permission: "platform.billing:manage",
  tags: ["billing"],
  summary: "Record a bank transfer (partial payments allowed)",
  request: {
    params: z.object({ id: z.string() }),
    body: { required: true, content: { "application/json": { schema: bankTransferBody } } },
  },
  responses: {
    201: { description: "recorded", content: { "application/json": { schema: paymentResponse } } },
  },
});

const invoiceBalance = z.object({
  invoiceId: z.string(),
  tenantId: z.string(),
  number: z.string(),
  totalFen: z.number().int(),
  creditedFen: z.number().int(),
  paidFen: z.number().int(),
  balanceFen: z.number().int(),
  dueOn: z.string().nullable(),
});
export const balanceResponse = z
  .object({
    tenantId: z.string(),
    outstandingFen: z.number().int(),
    invoices: z.array(invoiceBalance),
  })
  .openapi("TenantBalance");

export const balanceRoute = defineRoute({
  method: "get",
  path: "/api/v1/billing/balances/{tenant}",
  permission: "platform.billing:read",
  tags: ["billing"],
  summary: "What a tenant owes, invoice by invoice (tenant id or slug)",
  request: { params: z.object({ tenant: z.string() }) },
  responses: {
    200: { description: "balance", content: { "application/json": { schema: balanceResponse } } },
  },
});

const webhookResponse = z.object({ received: z.literal(true), result: z.string() });

/** Public, but authenticated by the Stripe signature; no session, so no CSRF token applies. */
export const stripeWebhookRoute = defineRoute({
  method: "post",
  path: "/api/v1/billing/stripe/webhook",
  permission: "public",
  tags: ["billing"],
  summary: "Stripe webhook (invoice.paid, invoice.payment_failed, invoice.voided)",
  responses: {
    200: { description: "processed", content: { "application/json": { schema: webhookResponse } } },
  },
});

export function registerPaymentRoutes(app: App): void {
  app.openapi(bankTransferRoute, async (c) => {
    const r = await recordBankTransfer(
      c.var.deps.db,
      c.req.valid("param").id,
      c.req.valid("json"),
      actorOf(c),
    );
    return c.json(paymentResponse.parse(r), 201);
  });
  app.openapi(balanceRoute, async (c) => {
    const b = await tenantBalance(c.var.deps.db, c.req.valid("param").tenant);
    return c.json(balanceResponse.parse(b), 200);
  });
  app.openapi(stripeWebhookRoute, async (c) => {
    const stripe = stripeOf(c.var.deps);
    if (!stripe) throw new NotFoundError("Stripe is not configured");
    // The raw text exactly as sent: the signature covers these bytes.
    const raw = await c.req.text();
    const event = verifyStripeEvent(
      raw,
      c.req.header("stripe-signature"),
      stripe.settings.webhookSecret,
      c.var.deps.clock ?? systemClock,
    );
    const out = await applyStripeEvent(c.var.deps.db, event);
    return c.json({ received: true as const, result: out.result }, 200);
  });
}
