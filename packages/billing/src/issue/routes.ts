import { z } from "@hono/zod-openapi";
import { systemClock } from "@zhengyun/core";
import { type App, defineRoute } from "@zhengyun/http";
import { actorOf } from "../http/actor.ts";
import { billingDocumentSchema } from "../pdf/schema.ts";
import { stripeOf } from "../stripe/from-deps.ts";
import { pushInvoiceToStripe } from "../stripe/push.ts";
import { issueCreditNote } from "./credit.ts";
import { issueInvoice } from "./issue.ts";
import { adjustLine, approveInvoice } from "./review.ts";

const MANAGE = "platform.billing:manage";
const params = z.object({ id: z.string().openapi({ example: "inv_01JF..." }) });
const body = <T extends z.ZodType>(schema: T) => ({
  body: { required: true, content: { "application/json": { schema } } },
});
const ok = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

export const adjustBody = z.object({
  lineId: z.string(),
  amountFen: z.number().int(),
  reason: z.string().openapi({ example: "合同约定首月九折" }),
});
const adjustment = z.object({
  id: z.string(),
  deltaFen: z.number().int(),
  taxDeltaFen: z.number().int(),
});
const stripeState = z
  .object({ stripeInvoiceId: z.string(), stripeStatus: z.string() })
  .nullable()
  .openapi("StripeState");
export const issueResponse = z.object({
  document: billingDocumentSchema,
  /** null when Stripe is off, or when the push failed (retry with /stripe-push). */
  stripe: stripeState,
  stripeError: z.string().optional(),
});
export const creditNoteBody = z.object({
  reason: z.string(),
  lines: z.array(z.object({ lineId: z.string(), amountFen: z.number().int() })).optional(),
});

/** A body-less POST on one invoice. */
const action = <T extends z.ZodType>(path: string, summary: string, schema: T, what: string) =>
  defineRoute({
    method: "post",
    path: `/api/v1/billing/invoices/{id}/${path}`,
    permission: MANAGE,
    tags: ["billing"],
    summary,
    request: { params },
    responses: { 200: ok(schema, what) },
  });

export const adjustRoute = defineRoute({
  method: "post",
  path: "/api/v1/billing/invoices/{id}/adjustments",
  permission: MANAGE,
  tags: ["billing"],
  summary: "Adjust a draft line (reason required, audited)",
  request: { params, ...body(adjustBody) },
  responses: { 200: ok(adjustment, "adjusted") },
});
export const approveRoute = action(
  "approve",
  "Approve a draft",
  z.object({ id: z.string(), status: z.literal("approved") }),
  "approved",
);
export const issueRoute = action(
  "issue",
  "Issue: number, freeze, push to Stripe",
  issueResponse,
  "issued",
);
export const stripePushRoute = action(
  "stripe-push",
  "Push (again) an issued invoice to Stripe",
  stripeState,
  "pushed",
);
export const creditNoteRoute = defineRoute({
  method: "post",
  path: "/api/v1/billing/invoices/{id}/credit-notes",
  permission: MANAGE,
  tags: ["billing"],
  summary: "Issue a credit note (full or partial)",
  request: { params, ...body(creditNoteBody) },
  responses: { 201: ok(billingDocumentSchema, "credit note") },
});

export function registerIssueRoutes(app: App): void {
  const now = (c: { var: { deps: { clock?: { now(): Date } } } }) =>
    (c.var.deps.clock ?? systemClock).now();
  app.openapi(adjustRoute, async (c) => {
    const a = await adjustLine(
      c.var.deps.db,
      c.req.valid("param").id,
      c.req.valid("json"),
      actorOf(c),
    );
    return c.json(adjustment.parse(a), 200);
  });
  app.openapi(approveRoute, async (c) => {
    const r = await approveInvoice(c.var.deps.db, c.req.valid("param").id, actorOf(c), now(c));
    return c.json(r, 200);
  });
  app.openapi(issueRoute, async (c) => {
    const { db, logger } = c.var.deps;
    const document = await issueInvoice(db, c.req.valid("param").id, actorOf(c), now(c));
    const stripe = stripeOf(c.var.deps);
    if (!stripe) return c.json(issueResponse.parse({ document, stripe: null }), 200);
    try {
      const pushed = await pushInvoiceToStripe(db, stripe.client, document.id);
      return c.json(issueResponse.parse({ document, stripe: pushed }), 200);
    } catch (e) {
      // Issued stays issued: the push is retried with the same idempotency keys.
      logger.warn({ invoiceId: document.id, err: String(e) }, "Stripe push failed");
      return c.json(
        issueResponse.parse({ document, stripe: null, stripeError: (e as Error).message }),
        200,
      );
    }
  });
  app.openapi(stripePushRoute, async (c) => {
    const stripe = stripeOf(c.var.deps);
    if (!stripe) return c.json(null, 200);
    const r = await pushInvoiceToStripe(c.var.deps.db, stripe.client, c.req.valid("param").id);
    return c.json(r, 200);
  });
  app.openapi(creditNoteRoute, async (c) => {
    const doc = await issueCreditNote(
      c.var.deps.db,
      c.req.valid("param").id,
      c.req.valid("json"),
      actorOf(c),
      now(c),
    );
    return c.json(billingDocumentSchema.parse(doc), 201);
  });
}
