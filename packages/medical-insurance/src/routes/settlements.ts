import { z } from "@hono/zod-openapi";
import { type App, defineRoute } from "@zhengyun/http";
import { claimSchema } from "../claim.ts";
import { previewSettlement, reverseSettlement, settle } from "../settle.ts";
import { getSettlement } from "../settlement-detail.ts";
import { BASE, iso, jsonBody, jsonOk, miCtx, tenantParam } from "./common.ts";

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

const ts = z.string().nullable().openapi({ description: "ISO 8601, UTC" });
export const settlementDetailSchema = z
  .object({
    settlement: settlementSchema.extend({
      externalRef: z.string().nullable(),
      batchId: z.string().nullable(),
      settledAt: z.string(),
      settledBy: z.string().nullable(),
      reversedAt: ts,
      reversedBy: z.string().nullable(),
      reversalReason: z.string().nullable(),
    }),
    person: z
      .object({
        id: z.string(),
        name: z.string(),
        nationalId: z.string().openapi({ example: "110101********1234" }),
        scheme: z.enum(["310", "390"]),
        employment: z.enum(["in_service", "retired"]),
      })
      .nullable(),
    institution: z
      .object({
        code: z.string(),
        name: z.string(),
        level: z.enum(["community", "1", "2", "3"]),
        type: z.enum(["hospital", "pharmacy"]),
      })
      .nullable(),
    lines: z.array(
      z.object({
        code: z.string(),
        class: z.enum(["A", "B", "C"]),
        quantity: z.number(),
        unitPrice: fen,
        amount: fen,
        fulamtOwnpay: fen,
        preselfpay: fen,
        inscp: fen,
      }),
    ),
    breakdown: z
      .object({
        deductibleKind: z.enum(["admission", "yearly"]),
        deductibleDue: fen,
        deductibleApplied: fen,
        eligible: fen,
        ratioBp: z.number().int(),
        byRatio: fen,
        ceiling: fen,
        ceilingCut: fen,
      })
      .nullable(),
    review: z
      .object({
        rule: z.enum(["random", "amount"]),
        status: z.enum(["pending", "approved", "rejected"]),
        reasonCode: z.string().nullable(),
        note: z.string().nullable(),
        reviewerId: z.string().nullable(),
        decidedAt: ts,
      })
      .nullable(),
  })
  .openapi("MiSettlementDetail");
export type SettlementDetailResponse = z.infer<typeof settlementDetailSchema>;
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

const detailRoute = defineRoute({
  method: "get",
  path: `${BASE}/settlements/{id}`,
  permission: "mi:read",
  tags: ["medical"],
  summary:
    "One settlement: claim lines, deductible/ratio/ceiling breakdown, who settled it, its reversal (the read is audited)",
  request: { params: z.object({ tenant: tenantParam, id: z.string().min(1).max(64) }) },
  responses: { 200: jsonOk("the settlement", settlementDetailSchema) },
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
  app.openapi(detailRoute, async (c) => {
    const d = await getSettlement(miCtx(c), c.req.valid("param").id);
    const s = d.settlement;
    const out = {
      ...d,
      settlement: {
        ...s,
        settledAt: s.settledAt.toISOString(),
        reversedAt: iso(s.reversedAt),
      },
      review: d.review && { ...d.review, decidedAt: iso(d.review.decidedAt) },
    };
    return c.json(settlementDetailSchema.parse(out), 200);
  });
  app.openapi(reversalRoute, async (c) => {
    const body = c.req.header("content-type") ? c.req.valid("json") : {};
    const out = await reverseSettlement(miCtx(c), c.req.valid("param").id, body?.reason);
    return c.json(settlementSchema.parse(out), 200);
  });
}
