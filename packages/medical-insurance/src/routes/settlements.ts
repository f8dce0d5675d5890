import { z } from "@hono/zod-openapi";
import { type App, defineRoute } from "@zhengyun/http";
import { claimSchema } from "../claim.ts";
import { previewSettlement, reverseSettlement, settle } from "../settle.ts";
import { BASE, jsonBody, jsonOk, miCtx, tenantParam } from "./common.ts";

const fen = z.number().int().openapi({ description: "fen" });
export const settlementSchema = z
  .object({
    setl_id: z.string().nullable(),
    person_id: z.string(),
    institution_code: z.string(),
    visit_type: z.enum(["outpatient", "inpatient"]),
    date: z.string(),
    status: z.enum(["preview", "settled", "reversed"]),
    review: z.enum(["amount", "random"]).nullable(),
    admission_no: z.number().int().nullable(),
    medfee_sumamt: fen,
    fulamt_ownpay_amt: fen,
    preselfpay_amt: fen,
    inscp_scp_amt: fen,
    act_pay_dedc: fen,
    hifp_pay: fen,
    acct_pay: fen,
    psn_cash_pay: fen,
    fund_pay_sumamt: fen,
    psn_part_amt: fen,
  })
  .openapi("MiSettlement");
export type SettlementResponse = z.infer<typeof settlementSchema>;
export const settlementRequest = claimSchema.openapi("MiSettlementRequest");

const previewRoute = defineRoute({
  method: "post",
  path: `${BASE}/settlements/preview`,
  permission: "mi:write",
  tags: ["medical"],
  summary: "Pre-settlement (预结算): compute a claim without committing",
  request: { params: z.object({ tenant: tenantParam }), body: jsonBody(settlementRequest) },
  responses: { 200: jsonOk("computed", settlementSchema) },
});

const settleRoute = defineRoute({
  method: "post",
  path: `${BASE}/settlements`,
  permission: "mi:write",
  tags: ["medical"],
  summary: "Settlement (结算): commit a claim, its accumulators and usage",
  request: { params: z.object({ tenant: tenantParam }), body: jsonBody(settlementRequest) },
  responses: { 201: jsonOk("settled", settlementSchema) },
});

const reversalRoute = defineRoute({
  method: "post",
  path: `${BASE}/settlements/{id}/reversal`,
  permission: "mi:write",
  tags: ["medical"],
  summary: "Reversal (冲正): undo a settlement and restore the accumulators; twice → 409",
  request: {
    params: z.object({ tenant: tenantParam, id: z.string().min(1).max(64) }),
    body: {
      required: false,
      content: {
        "application/json": { schema: z.object({ reason: z.string().max(500).optional() }) },
      },
    },
  },
  responses: { 200: jsonOk("reversed", settlementSchema) },
});

export function registerSettlementRoutes(app: App): void {
  app.openapi(previewRoute, async (c) => {
    const out = await previewSettlement(miCtx(c), c.req.valid("json"));
    return c.json(settlementSchema.parse(out), 200);
  });
  app.openapi(settleRoute, async (c) => {
    const out = await settle(miCtx(c), c.req.valid("json"));
    return c.json(settlementSchema.parse(out), 201);
  });
  app.openapi(reversalRoute, async (c) => {
    const body = c.req.header("content-type") ? c.req.valid("json") : {};
    const out = await reverseSettlement(miCtx(c), c.req.valid("param").id, body?.reason);
    return c.json(settlementSchema.parse(out), 200);
  });
}
