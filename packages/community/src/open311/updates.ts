import { writeAudit } from "@zhengyun/audit";
import { NotFoundError, ValidationError } from "@zhengyun/core";
import { withTenant } from "@zhengyun/tenancy";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { auditActor, type CsCtx, nowOf, parse } from "../context.ts";
import { csRequests, csRequestUpdates } from "../schema.ts";
import type { Node } from "./format.ts";

/** FixMyStreet's statuses: open/closed, and its extended ones (extended_statuses). */
export const CLIENT_STATUSES = [
  "OPEN",
  "CLOSED",
  "FIXED",
  "IN_PROGRESS",
  "ACTION_SCHEDULED",
  "INVESTIGATING",
  "DUPLICATE",
  "NOT_COUNCILS_RESPONSIBILITY",
  "NO_FURTHER_ACTION",
  "INTERNAL_REFERRAL",
  "REOPEN",
] as const;

const W3C = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const optional = (max: number) => z.string().trim().max(max).optional();

/** The form of `POST servicerequestupdates`, field names as FixMyStreet sends them. */
export const clientUpdateInput = z.object({
  service_request_id: z.string().regex(/^[1-9][0-9]{0,15}$/, "not a service_request_id"),
  update_id: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[\x21-\x7e]+$/, "printable characters without spaces"),
  updated_datetime: z
    .string()
    .regex(W3C, "a W3C datetime with its time zone, e.g. 2026-03-02T09:00:00+08:00")
    .refine((v) => !Number.isNaN(Date.parse(v)), "not a real datetime"),
  status: z
    .string()
    .trim()
    .transform((s) => s.toUpperCase())
    .pipe(z.enum(CLIENT_STATUSES, { error: `one of ${CLIENT_STATUSES.join(", ")}` })),
  description: z.string().trim().min(1).max(4000),
  media_url: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .optional(),
  // Accepted as FixMyStreet sends them and not kept: the request already holds the reporter's
  // contact, and a comment needs no second copy of personal data.
  email: z.email().max(200).optional(),
  first_name: optional(100),
  last_name: optional(100),
  title: optional(100),
  phone: optional(40),
  account_id: optional(100),
});

const FIELDS = Object.keys(clientUpdateInput.shape);
/** How far ahead of our clock a client's updated_datetime may be (clock skew, not the future). */
const SKEW_MS = 86_400_000;

/** Only the spec's fields, and only those with a value: an empty optional field is absent. */
function fieldsOf(form: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of FIELDS) {
    const v = form.get(k);
    if (v !== null && v.trim() !== "") out[k] = v;
  }
  return out;
}

/**
 * A client's comment on a request (FixMyStreet posts its users' updates this way): kept as a
 * public update row with the client's own update id and status, audited, and answered with our
 * update id. The handling state stays with the staff: a client's CLOSED or FIXED is recorded, not
 * obeyed. A retry with the same update_id from the same key answers the first id and writes
 * nothing; the same update_id on another request is refused.
 */
export async function postClientUpdate(ctx: CsCtx, form: URLSearchParams): Promise<Node[]> {
  const i = parse(clientUpdateInput, fieldsOf(form));
  const now = nowOf(ctx);
  const reportedAt = new Date(i.updated_datetime);
  if (reportedAt.getTime() > now.getTime() + SKEW_MS) {
    throw new ValidationError("updated_datetime is in the future", [
      { path: "updated_datetime", message: "in the future" },
    ]);
  }
  const actorId = ctx.actor?.id ?? null;
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const id = Number(i.service_request_id);
    // Locked: two deliveries of one update for this request take turns, the second sees the first.
    const [r] = await tx.select().from(csRequests).where(eq(csRequests.id, id)).for("update");
    if (!r) throw new NotFoundError(`service_request_id ${i.service_request_id} was not found`);
    const [seen] = await tx
      .select({ id: csRequestUpdates.id, requestId: csRequestUpdates.requestId })
      .from(csRequestUpdates)
      .where(
        and(
          actorId ? eq(csRequestUpdates.actorId, actorId) : undefined,
          eq(csRequestUpdates.externalId, i.update_id),
        ),
      );
    if (seen && seen.requestId !== r.id) {
      throw new ValidationError(`update_id ${i.update_id} was already used for another request`, [
        { path: "update_id", message: "already used for another request" },
      ]);
    }
    if (seen) return [{ update_id: String(seen.id) }];
    const [row] = await tx
      .insert(csRequestUpdates)
      .values({
        requestId: r.id,
        state: r.state,
        note: i.description,
        centreId: r.centreId,
        actorId,
        at: now,
        externalId: i.update_id,
        clientStatus: i.status,
        reportedAt,
        mediaUrl: i.media_url ?? null,
      })
      .returning({ id: csRequestUpdates.id });
    if (!row) throw new Error("insert returned nothing");
    await writeAudit(tx, {
      ...auditActor(ctx),
      action: "cs.request.client_update",
      objectType: "cs_request",
      objectId: String(r.id),
      data: { updateId: row.id, externalId: i.update_id, status: i.status },
    });
    return [{ update_id: String(row.id) }];
  });
}
