import { z } from "@hono/zod-openapi";
import { type App, defineRoute, HttpProblem, setRouteBodyLimit } from "@zhengyun/http";
import { BATCH_BODY_LIMIT, BATCH_MAX_CLAIMS, settleBatch } from "../batch.ts";
import { clearingStatement } from "../clearing.ts";
import {
  getInstitution,
  institutionInput,
  listInstitutions,
  upsertInstitution,
} from "../institutions.ts";
import { listParameters, parametersInput, setParameters } from "../parameters.ts";
import { policySchema } from "../params.ts";
import { decideReview, decisionInput, listReviews } from "../review.ts";
import { BASE, iso, jsonBody, jsonOk, miCtx, tenantParam } from "./common.ts";

const t = z.object({ tenant: tenantParam });
const route = <const R extends Parameters<typeof defineRoute>[0]>(r: R) =>
  defineRoute({ tags: ["medical"], ...r });

const parameterSetSchema = z
  .object({
    id: z.string(),
    year: z.number().int(),
    scheme: z.enum(["310", "390"]),
    effectiveFrom: z.string(),
    params: policySchema,
  })
  .openapi("MiParameters");
const institutionSchema = z
  .object({
    code: z.string(),
    name: z.string(),
    level: z.enum(["community", "1", "2", "3"]),
    type: z.enum(["hospital", "pharmacy"]),
    status: z.enum(["active", "suspended"]),
  })
  .openapi("MiInstitution");
const reviewSchema = z
  .object({
    settlementId: z.string(),
    rule: z.enum(["random", "amount"]),
    status: z.enum(["pending", "approved", "rejected"]),
    reasonCode: z.string().nullable(),
    note: z.string().nullable(),
    reviewerId: z.string().nullable(),
    createdAt: z.string().nullable(),
    decidedAt: z.string().nullable(),
    institutionCode: z.string().optional(),
    medfeeSumamt: z.number().optional(),
    fundPaySumamt: z.number().optional(),
  })
  .openapi("MiReview");
export const batchReportSchema = z
  .object({
    batchId: z.string(),
    lines: z.number().int(),
    settled: z.number().int(),
    rejected: z.number().int(),
    medfeeSumamt: z.number().int(),
    fundPaySumamt: z.number().int(),
    errors: z.array(
      z.object({
        line: z.number().int(),
        ref: z.string().optional(),
        errors: z.array(z.object({ path: z.string(), message: z.string() })),
      }),
    ),
  })
  .openapi("MiBatchReport");
export const clearingSchema = z
  .object({
    month: z.string(),
    lines: z.array(
      z.object({
        institutionCode: z.string(),
        institutionName: z.string(),
        settlements: z.number().int(),
        reversed: z.number().int(),
        medfeeSumamt: z.number().int(),
        fundPaySumamt: z.number().int(),
        acctPay: z.number().int(),
        psnCashPay: z.number().int(),
        rejectedFundPay: z.number().int(),
        payable: z.number().int(),
      }),
    ),
  })
  .openapi("MiClearingStatement");

const routes = {
  listParams: route({
    method: "get",
    path: `${BASE}/parameters`,
    permission: "mi:read",
    summary: "Policy parameters (per year and scheme, effective-dated)",
    request: { params: t, query: z.object({ year: z.coerce.number().int().optional() }) },
    responses: { 200: jsonOk("parameters", z.object({ items: z.array(parameterSetSchema) })) },
  }),
  setParams: route({
    method: "post",
    path: `${BASE}/parameters`,
    permission: "mi:write",
    summary: "Set a year's parameters for a scheme from a date on",
    request: { params: t, body: jsonBody(parametersInput) },
    responses: { 200: jsonOk("saved", parameterSetSchema) },
  }),
  listInst: route({
    method: "get",
    path: `${BASE}/institutions`,
    permission: "mi:read",
    summary: "Designated institutions",
    request: { params: t },
    responses: { 200: jsonOk("institutions", z.object({ items: z.array(institutionSchema) })) },
  }),
  getInst: route({
    method: "get",
    path: `${BASE}/institutions/{code}`,
    permission: "mi:read",
    summary: "One designated institution",
    request: { params: t.extend({ code: z.string().min(1).max(40) }) },
    responses: { 200: jsonOk("institution", institutionSchema) },
  }),
  putInst: route({
    method: "post",
    path: `${BASE}/institutions`,
    permission: "mi:write",
    summary: "Create or update a designated institution",
    request: { params: t, body: jsonBody(institutionInput) },
    responses: { 200: jsonOk("saved", institutionSchema) },
  }),
  reviews: route({
    method: "get",
    path: `${BASE}/reviews`,
    permission: "mi:read",
    summary: "The settlement review queue",
    request: {
      params: t,
      query: z.object({ status: z.enum(["pending", "approved", "rejected"]).optional() }),
    },
    responses: { 200: jsonOk("queue", z.object({ items: z.array(reviewSchema) })) },
  }),
  decide: route({
    method: "post",
    path: `${BASE}/reviews/{id}/decision`,
    permission: "mi:write",
    summary: "A reviewer's decision, with a coded reason for a rejection",
    request: { params: t.extend({ id: z.string().min(1).max(64) }), body: jsonBody(decisionInput) },
    responses: { 200: jsonOk("decided", reviewSchema) },
  }),
  batch: route({
    method: "post",
    path: `${BASE}/batches`,
    permission: "mi:write",
    summary: "Import and settle a day's settlements (JSON lines or CSV); row-level error report",
    description: `This route has its own body limit of ${BATCH_BODY_LIMIT} bytes (32 MiB), sized for its largest batch of ${BATCH_MAX_CLAIMS} claims, instead of the app-wide BODY_LIMIT_BYTES. A larger body, or more claims, answers 413 and settles nothing.`,
    request: {
      params: t,
      body: {
        required: true,
        content: {
          "application/x-ndjson": { schema: z.string() },
          "text/csv": { schema: z.string() },
        },
      },
    },
    responses: { 200: jsonOk("report", batchReportSchema) },
  }),
  clearing: route({
    method: "get",
    path: `${BASE}/clearing/{month}`,
    permission: "mi:read",
    summary: "Monthly clearing statement per institution (what the fund owes each)",
    request: { params: t.extend({ month: z.string().openapi({ example: "2026-03" }) }) },
    responses: { 200: jsonOk("statement", clearingSchema) },
  }),
};

type ReviewRow = Record<string, unknown> & { createdAt: Date | null; decidedAt: Date | null };
const reviewOut = (r: ReviewRow) =>
  reviewSchema.parse({ ...r, createdAt: iso(r.createdAt), decidedAt: iso(r.decidedAt) });

export function registerAdminRoutes(app: App): void {
  setRouteBodyLimit(app, "post", routes.batch.path, BATCH_BODY_LIMIT);
  app.openapi(routes.listParams, async (c) => {
    const items = await listParameters(miCtx(c), c.req.valid("query").year);
    return c.json({ items: items.map((i) => parameterSetSchema.parse(i)) }, 200);
  });
  app.openapi(routes.setParams, async (c) =>
    c.json(parameterSetSchema.parse(await setParameters(miCtx(c), c.req.valid("json"))), 200),
  );
  app.openapi(routes.listInst, async (c) => {
    const items = await listInstitutions(miCtx(c));
    return c.json({ items: items.map((i) => institutionSchema.parse(i)) }, 200);
  });
  app.openapi(routes.getInst, async (c) =>
    c.json(institutionSchema.parse(await getInstitution(miCtx(c), c.req.valid("param").code)), 200),
  );
  app.openapi(routes.putInst, async (c) =>
    c.json(institutionSchema.parse(await upsertInstitution(miCtx(c), c.req.valid("json"))), 200),
  );
  app.openapi(routes.reviews, async (c) => {
    const items = await listReviews(miCtx(c), c.req.valid("query").status);
    return c.json({ items: items.map(reviewOut) }, 200);
  });
  app.openapi(routes.decide, async (c) => {
    const r = await decideReview(miCtx(c), c.req.valid("param").id, c.req.valid("json"));
    return c.json(reviewOut(r), 200);
  });
  app.openapi(routes.batch, async (c) => {
    const type = (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
    if (type !== "text/csv" && type !== "application/x-ndjson") {
      throw new HttpProblem("unsupported_media_type", "Send text/csv or application/x-ndjson");
    }
    const report = await settleBatch(
      miCtx(c),
      await c.req.text(),
      type === "text/csv" ? "csv" : "jsonl",
    );
    return c.json(batchReportSchema.parse(report), 200);
  });
  app.openapi(routes.clearing, async (c) => {
    const month = c.req.valid("param").month;
    return c.json(
      clearingSchema.parse({ month, lines: await clearingStatement(miCtx(c), month) }),
      200,
    );
  });
}
