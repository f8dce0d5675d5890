import { z } from "@hono/zod-openapi";
import { type App, defineRoute, HttpProblem } from "@zhengyun/http";
import { subscribe, unsubscribe } from "../subscriptions.ts";
import { actorOf } from "./actor.ts";

const subscription = z
  .object({
    id: z.string(),
    module: z.string(),
    priceLevel: z.enum(["city", "district", "street"]),
    startsOn: z.string(),
    endsOn: z.string().nullable(),
  })
  .openapi("Subscription");

export const subscribeBody = z.object({
  module: z.enum(["portal", "medical_insurance", "community"]),
  startsOn: z.iso.date(),
  endsOn: z.iso.date().nullable().optional(),
});

export const subscribeRoute = defineRoute({
  method: "post",
  path: "/t/{tenant}/api/v1/subscriptions",
  permission: "tenant.subscriptions:manage",
  tags: ["billing"],
  summary: "Subscribe a module allowed by the tenant's contract",
  request: {
    params: z.object({ tenant: z.string() }),
    body: { required: true, content: { "application/json": { schema: subscribeBody } } },
  },
  responses: {
    201: { description: "subscribed", content: { "application/json": { schema: subscription } } },
  },
});

export const unsubscribeRoute = defineRoute({
  method: "post",
  path: "/t/{tenant}/api/v1/subscriptions/{module}/end",
  permission: "tenant.subscriptions:manage",
  tags: ["billing"],
  summary: "End a module's subscription (the end day is not billed)",
  request: {
    params: z.object({ tenant: z.string(), module: z.string() }),
    body: {
      required: true,
      content: { "application/json": { schema: z.object({ endsOn: z.iso.date() }) } },
    },
  },
  responses: {
    200: { description: "ended", content: { "application/json": { schema: subscription } } },
  },
});

const view = (s: z.infer<typeof subscription>) => subscription.parse(s);

export function registerSubscriptions(app: App): void {
  app.openapi(subscribeRoute, async (c) => {
    const tenant = c.var.tenant;
    if (!tenant) throw new HttpProblem("not_found", "No tenant");
    const body = c.req.valid("json");
    const row = await subscribe(
      c.var.deps.db,
      {
        tenant: tenant.id,
        module: body.module,
        startsOn: body.startsOn,
        endsOn: body.endsOn ?? null,
      },
      { ...actorOf(c) },
    );
    return c.json(view(row), 201);
  });
  app.openapi(unsubscribeRoute, async (c) => {
    const tenant = c.var.tenant;
    if (!tenant) throw new HttpProblem("not_found", "No tenant");
    const row = await unsubscribe(
      c.var.deps.db,
      {
        tenant: tenant.id,
        module: c.req.valid("param").module,
        endsOn: c.req.valid("json").endsOn,
      },
      actorOf(c),
    );
    return c.json(view(row), 200);
  });
}
