import { ValidationError } from "@zhengyun/core";
import { type App, defineRoute, HttpProblem } from "@zhengyun/http";
import { ingestEvents } from "../ingest.ts";
import {
  batchIssues,
  cloudEventsToInput,
  USAGE_BATCH_CONTENT_TYPES,
  usageEventsBatchSchema,
  usageEventsResponseSchema,
} from "../schemas.ts";
import { MAX_BATCH } from "../validate.ts";
import { credentialTenant } from "./tenant-scope.ts";

export const INGEST_PATH = "/api/v1/usage/events";

/*
 * The body schema is referenced, not attached: attached zod schemas are validated once per declared
 * media type, and the handler parses the batch itself so problems name events by index and id.
 */
const batchRef = { $ref: "#/components/schemas/UsageEventsBatch" };

export const ingestEventsRoute = defineRoute({
  method: "post",
  path: INGEST_PATH,
  permission: "usage:write",
  tags: ["usage"],
  summary: "Ingest up to 1,000 usage events (CloudEvents batch), all or nothing, idempotent",
  request: {
    body: {
      required: true,
      content: Object.fromEntries(USAGE_BATCH_CONTENT_TYPES.map((t) => [t, { schema: batchRef }])),
    },
  },
  responses: {
    200: {
      description: "one result per event, in order: accepted or duplicate",
      content: { "application/json": { schema: usageEventsResponseSchema } },
    },
  },
});

export function registerIngestEvents(app: App): void {
  app.openAPIRegistry.register("UsageEventsBatch", usageEventsBatchSchema);
  app.use(INGEST_PATH, credentialTenant);
  app.openapi(ingestEventsRoute, async (c) => {
    const { db, clock } = c.var.deps;
    const tenant = c.var.tenant;
    if (!tenant) throw new HttpProblem("forbidden", "An API key of a tenant is required");
    // gateBody has parsed it already (and refused malformed JSON) and hands over that parse.
    const body: unknown = await c.req.json();
    if (Array.isArray(body) && body.length > MAX_BATCH) {
      throw new HttpProblem(
        "payload_too_large",
        `a batch holds at most ${MAX_BATCH} events, got ${body.length}; nothing was written`,
      );
    }
    const parsed = usageEventsBatchSchema.safeParse(body);
    if (!parsed.success) {
      const issues = batchIssues(parsed.error, body);
      throw new ValidationError(
        `${issues.length} problems in the batch; nothing was written`,
        issues,
      );
    }
    const results = await ingestEvents(
      db,
      { tenantId: tenant.id, events: cloudEventsToInput(parsed.data, tenant.slug) },
      clock ? { clock } : {},
    );
    return c.json(usageEventsResponseSchema.parse({ results }), 200);
  });
}
