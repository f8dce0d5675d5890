import { z } from "@hono/zod-openapi";
import { systemClock } from "@zhengyun/core";
import { type App, defineRoute } from "@zhengyun/http";
import { runBilling } from "../run/run.ts";
import { actorOf } from "./actor.ts";

export const runBody = z
  .object({
    period: z.string().openapi({ example: "2026-10" }),
    tenant: z.string().optional().openapi({ description: "bill one tenant (slug or id) only" }),
  })
  .openapi("BillingRunRequest");

const lineSchema = z.object({
  kind: z.enum(["rental", "usage", "equipment", "one_off", "adjustment"]),
  description: z.string(),
  quantity: z.number(),
  amount_fen: z.number().int(),
  tax_fen: z.number().int(),
});

/** The array `pnpm cli billing run --json` prints (issue 5). */
export const runResponse = z
  .array(
    z.object({
      tenant: z.string(),
      invoice_id: z.string(),
      status: z.literal("draft"),
      lines: z.array(lineSchema),
      subtotal_fen: z.number().int(),
      tax_fen: z.number().int(),
      total_fen: z.number().int(),
    }),
  )
  .openapi("BillingRunDrafts");
export type RunResponse = z.infer<typeof runResponse>;

export const runRoute = defineRoute({
  method: "post",
  path: "/api/v1/billing/runs",
  permission: "platform.billing:manage",
  tags: ["billing"],
  summary: "Draft the invoices of an ended month (re-running replaces drafts, never issued ones)",
  request: { body: { required: true, content: { "application/json": { schema: runBody } } } },
  responses: {
    200: { description: "the drafts", content: { "application/json": { schema: runResponse } } },
  },
});

export function registerRuns(app: App): void {
  app.openapi(runRoute, async (c) => {
    const body = c.req.valid("json");
    const result = await runBilling(c.var.deps.db, {
      period: body.period,
      clock: systemClock,
      ...(body.tenant ? { tenant: body.tenant } : {}),
      actor: actorOf(c),
    });
    return c.json(runResponse.parse(result.drafts), 200);
  });
}
