import { z } from "@hono/zod-openapi";
import type { App } from "@zhengyun/http";
import {
  answerConsultation,
  answerInput,
  consultationInput,
  consultationQueue,
  publicQa,
  submitConsultation,
} from "../consultations.ts";
import { confirmInput, confirmPayment } from "../fees.ts";
import { articleIdParam } from "./articles-public.ts";
import { BASE, jsonBody, jsonOk, portalCtx, route, t, tenantParam, toJson } from "./common.ts";

const rows = z.object({ items: z.array(z.record(z.string(), z.unknown())) });
const row = z.record(z.string(), z.unknown());

const submit = route({
  method: "post",
  path: `${BASE}/consultations`,
  permission: "account:self",
  summary: "Ask a question (咨询) or complain (投诉); answered within 5 working days",
  request: { params: t, body: jsonBody(consultationInput) },
  responses: { 201: jsonOk("submitted", row) },
});
const queue = route({
  method: "get",
  path: `${BASE}/consultations/queue`,
  permission: "cases:read",
  summary: "Open consultations and complaints by deadline",
  request: { params: t },
  responses: { 200: jsonOk("queue", rows) },
});
const answer = route({
  method: "post",
  path: `${BASE}/consultations/{id}/answer`,
  permission: "cases:write",
  summary: "Answer; a consultation may be published as public Q&A",
  request: { params: articleIdParam, body: jsonBody(answerInput) },
  responses: { 200: jsonOk("answered", row) },
});
const confirm = route({
  method: "post",
  path: `${BASE}/payments/{reference}/confirmation`,
  permission: "cases:write",
  summary: "Confirm a fee paid at the counter or by bank transfer",
  request: {
    params: z.object({ tenant: tenantParam, reference: z.string().min(1).max(40) }),
    body: jsonBody(confirmInput),
  },
  responses: { 200: jsonOk("paid", row) },
});

export function registerServiceRoutes(app: App): void {
  app.openapi(submit, async (c) =>
    c.json(
      row.parse(
        toJson(await submitConsultation({ ctx: portalCtx(c), input: c.req.valid("json") })),
      ),
      201,
    ),
  );
  app.openapi(queue, async (c) =>
    c.json(rows.parse({ items: toJson(await consultationQueue(portalCtx(c))) }), 200),
  );
  app.openapi(answer, async (c) => {
    const r = await answerConsultation({
      ctx: portalCtx(c),
      id: c.req.valid("param").id,
      input: c.req.valid("json"),
    });
    return c.json(row.parse(toJson(r)), 200);
  });
  app.openapi(confirm, async (c) => {
    const { reference } = c.req.valid("param");
    return c.json(
      row.parse(
        toJson(await confirmPayment({ ctx: portalCtx(c), reference, input: c.req.valid("json") })),
      ),
      200,
    );
  });
}

const qa = route({
  method: "get",
  path: `${BASE}/qa`,
  permission: "public",
  summary: "Published questions and answers",
  request: { params: t },
  responses: { 200: jsonOk("Q&A", rows) },
});

/** Worker-safe: the public Q&A list. */
export function registerQaRoute(app: App): void {
  app.openapi(qa, async (c) => {
    c.header("Cache-Control", "public, max-age=300");
    return c.json(rows.parse({ items: toJson(await publicQa(portalCtx(c))) }), 200);
  });
}
