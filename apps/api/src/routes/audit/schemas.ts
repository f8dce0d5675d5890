import { z } from "@hono/zod-openapi";
import type { AuditEntry } from "@zhengyun/audit";

const DAY_MS = 86_400_000;

/** Browsing and export filters; `from` defaults to 30 days before `to`, `to` to now. */
export const auditListQuery = z
  .object({
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    actorId: z.string().min(1).max(128).optional(),
    action: z.string().min(1).max(100).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    cursor: z
      .string()
      .regex(/^[0-9]{1,19}$/, "invalid cursor")
      .optional()
      .openapi({ description: "`nextCursor` of the previous page" }),
    format: z
      .enum(["json", "csv", "jsonl"])
      .default("json")
      .openapi({ description: "csv and jsonl stream every matching record (no paging)" }),
  })
  .refine((q) => !q.from || !q.to || new Date(q.from) < new Date(q.to), {
    message: "from must be before to",
    path: ["from"],
  });
export type AuditListQuery = z.infer<typeof auditListQuery>;

export function range(q: AuditListQuery, now: Date) {
  const to = q.to ? new Date(q.to) : new Date(now.getTime() + 1);
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - 30 * DAY_MS);
  return {
    from,
    to,
    ...(q.actorId ? { actorId: q.actorId } : {}),
    ...(q.action ? { action: q.action } : {}),
  };
}

export const auditEntrySchema = z
  .object({
    seq: z.string(),
    id: z.string(),
    at: z.string(),
    actorId: z.string().nullable(),
    actorRole: z.string().nullable(),
    tenantId: z.string().nullable(),
    action: z.string(),
    objectType: z.string().nullable(),
    objectId: z.string().nullable(),
    result: z.string(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    requestId: z.string().nullable(),
    data: z.unknown(),
    chainPos: z.string().nullable(),
    hash: z.string().nullable(),
    sealedAt: z.string().nullable(),
  })
  .openapi("AuditEntry");

export const auditPageSchema = z
  .object({ items: z.array(auditEntrySchema), nextCursor: z.string().nullable() })
  .openapi("AuditPage");

export const entryView = (e: AuditEntry) =>
  auditEntrySchema.parse({
    ...e,
    at: e.at.toISOString(),
    sealedAt: e.sealedAt?.toISOString() ?? null,
  });

export const purgeBody = z
  .object({
    before: z.iso
      .datetime({ offset: true })
      .openapi({ description: "records before this are deleted; at least 180 days ago" }),
  })
  .openapi("AuditPurge");

export const purgeResult = z
  .object({ purged: z.number().int(), anchorPosition: z.number().int(), recordId: z.string() })
  .openapi("AuditPurgeResult");
