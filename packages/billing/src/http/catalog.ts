import { z } from "@hono/zod-openapi";
import { type App, defineRoute } from "@zhengyun/http";
import type { Actor } from "../actor.ts";
import { createPriceVersion, setTaxRate } from "../catalog.ts";
import { addCharge } from "../charges.ts";
import { createContract } from "../contracts.ts";
import { registerEquipment, retireEquipment } from "../equipment.ts";
import { actorOf } from "./actor.ts";

/**
 * Finance's catalog and contract writes. Bodies are parsed by the verbs' own schemas (one source of
 * truth for the rules: negative prices, overlaps, zero cycles → 400 with field issues).
 */
const anyBody = z.record(z.string(), z.unknown());
const created = z.object({ id: z.string() }).loose();

interface Write {
  path: string;
  summary: string;
  verb: (
    db: Parameters<typeof createContract>[0],
    body: never,
    actor: Actor,
  ) => Promise<{ id: string }>;
}

const writes: Write[] = [
  {
    path: "/api/v1/billing/price-versions",
    summary: "Add a module price version",
    verb: createPriceVersion,
  },
  {
    path: "/api/v1/billing/tax-rates",
    summary: "Add an effective-dated tax rate",
    verb: setTaxRate,
  },
  { path: "/api/v1/billing/contracts", summary: "Sign a tenant contract", verb: createContract },
  {
    path: "/api/v1/billing/equipment",
    summary: "Register equipment at a tenant",
    verb: registerEquipment,
  },
  { path: "/api/v1/billing/charges", summary: "Add a one-off fee or adjustment", verb: addCharge },
];

export const catalogRoutes = writes.map((w) => ({
  w,
  route: defineRoute({
    method: "post",
    path: w.path,
    permission: "platform.billing:manage",
    tags: ["billing"],
    summary: w.summary,
    request: { body: { required: true, content: { "application/json": { schema: anyBody } } } },
    responses: {
      201: { description: "created", content: { "application/json": { schema: created } } },
    },
  }),
}));

export const retireEquipmentRoute = defineRoute({
  method: "post",
  path: "/api/v1/billing/equipment/{id}/retire",
  permission: "platform.billing:manage",
  tags: ["billing"],
  summary: "Retire equipment (billed up to the day before retiredOn)",
  request: {
    params: z.object({ id: z.string() }),
    body: {
      required: true,
      content: {
        "application/json": { schema: z.object({ tenant: z.string(), retiredOn: z.string() }) },
      },
    },
  },
  responses: {
    200: { description: "retired", content: { "application/json": { schema: created } } },
  },
});

const json = <T>(row: T) =>
  JSON.parse(JSON.stringify(row)) as Record<string, unknown> & { id: string };

export function registerCatalog(app: App): void {
  for (const { w, route } of catalogRoutes) {
    app.openapi(route, async (c) => {
      const row = await w.verb(c.var.deps.db, c.req.valid("json") as never, actorOf(c));
      return c.json(created.parse(json(row)), 201);
    });
  }
  app.openapi(retireEquipmentRoute, async (c) => {
    const body = c.req.valid("json");
    const row = await retireEquipment(
      c.var.deps.db,
      { tenant: body.tenant, id: c.req.valid("param").id, retiredOn: body.retiredOn },
      actorOf(c),
    );
    return c.json(created.parse(json(row)), 200);
  });
}
