import { z } from "@hono/zod-openapi";
import { type FieldIssue, ValidationError } from "@zhengyun/core";
import type { UsageEventInput } from "./validate.ts";
import { MAX_BATCH } from "./validate.ts";

/**
 * Request and response shapes of the usage HTTP API (issue 4). Routes parse with these and hand
 * the result to the verbs; domain checks (meter known, time window, tenant) live in the verbs.
 */

/** One CloudEvent (structured JSON form, spec 1.0); `type` is the meter code. */
export const usageCloudEventSchema = z.object({
  specversion: z.literal("1.0"),
  id: z.string().min(1).max(200),
  source: z.string().min(1).max(200),
  type: z.string().min(1).max(100),
  time: z.iso.datetime({ offset: true }),
  /** The tenant's slug; must equal the API key's tenant. */
  subject: z.string().min(1),
  datacontenttype: z.string().optional(),
  data: z.object({
    quantity: z.number().finite().nonnegative(),
    /** Distinct value for unique_count meters (users.active: the user id). */
    key: z.string().min(1).max(200).optional(),
  }),
});
export type UsageCloudEvent = z.infer<typeof usageCloudEventSchema>;

/** Body of POST /api/v1/usage/events: application/cloudevents-batch+json (or application/json). */
export const usageEventsBatchSchema = z.array(usageCloudEventSchema).min(1).max(MAX_BATCH);
export type UsageEventsBatch = z.infer<typeof usageEventsBatchSchema>;

export const USAGE_BATCH_CONTENT_TYPES = [
  "application/cloudevents-batch+json",
  "application/json",
] as const;

export const usageEventsResponseSchema = z.object({
  results: z.array(z.object({ id: z.string(), status: z.enum(["accepted", "duplicate"]) })),
});
export type UsageEventsResponse = z.infer<typeof usageEventsResponseSchema>;

/** Query of GET /api/v1/usage. */
export const usageQuerySchema = z.object({
  tenant: z.string().min(1),
  meter: z.string().min(1),
  from: z.iso.date(),
  to: z.iso.date(),
  granularity: z.enum(["day", "month"]).default("day"),
});
export type UsageQuery = z.infer<typeof usageQuerySchema>;

export const usageSeriesResponseSchema = z.object({
  tenant: z.string(),
  meter: z.string(),
  unit: z.string(),
  granularity: z.enum(["day", "month"]),
  points: z.array(z.object({ start: z.iso.date(), quantity: z.number() })),
  total: z.number(),
});
export type UsageSeriesResponse = z.infer<typeof usageSeriesResponseSchema>;

/**
 * CloudEvents of a parsed batch to verb input. Every event's subject must be the credential's
 * tenant; otherwise the whole batch is refused, naming the events.
 */
export function cloudEventsToInput(batch: UsageEventsBatch, tenantSlug: string): UsageEventInput[] {
  const issues: FieldIssue[] = [];
  batch.forEach((e, i) => {
    if (e.subject !== tenantSlug) {
      issues.push({
        path: `events[${i}]`,
        message: `event ${i} (id ${JSON.stringify(e.id)}): subject ${JSON.stringify(e.subject)} is not this key's tenant`,
      });
    }
  });
  if (issues.length > 0) {
    throw new ValidationError(
      `${issues.length} events name another tenant; nothing was written`,
      issues,
    );
  }
  return batch.map((e) => {
    const input: UsageEventInput = {
      id: e.id,
      source: e.source,
      meter: e.type,
      quantity: e.data.quantity,
      time: e.time,
    };
    if (e.data.key !== undefined) input.key = e.data.key;
    return input;
  });
}

/** zod issues of a batch as FieldIssues naming events by index (and id when readable). */
export function batchIssues(error: z.ZodError, body: unknown): FieldIssue[] {
  return error.issues.map((issue) => {
    const [index, ...rest] = issue.path;
    if (typeof index !== "number") return { path: "body", message: issue.message };
    const id = Array.isArray(body) ? (body[index] as { id?: unknown } | undefined)?.id : undefined;
    const name =
      typeof id === "string" ? `event ${index} (id ${JSON.stringify(id)})` : `event ${index}`;
    return {
      path: `events[${index}]`,
      message: `${name}: ${rest.join(".") || "event"}: ${issue.message}`,
    };
  });
}
