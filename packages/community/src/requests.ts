import { writeAudit } from "@zhengyun/audit";
import { ForbiddenError, humanCode, NotFoundError, ValidationError } from "@zhengyun/core";
import type { Tx } from "@zhengyun/db";
import { recordUsage } from "@zhengyun/jobs/outbox";
import { withTenant } from "@zhengyun/tenancy";
import { z } from "zod";
import { checkAttributes } from "./attributes.ts";
import { slaDeadline } from "./calendar.ts";
import { allCentres, routeCentre } from "./centres.ts";
import { auditActor, type CsCtx, nowOf, parse } from "./context.ts";
import { type HistoryMessage, historyText } from "./history.ts";
import { csRequests, csRequestUpdates, type RequestState } from "./schema.ts";
import { findService } from "./services.ts";

const opt = (max: number) => z.string().trim().max(max).nullish();

export const submitInput = z
  .object({
    serviceCode: z.string().min(1).max(64),
    channel: z.enum(["web", "open311", "phone", "counter"]),
    description: opt(4000),
    lat: z.number().min(-90).max(90).nullish(),
    long: z.number().min(-180).max(180).nullish(),
    address: opt(500),
    addressId: opt(100),
    zipcode: opt(20),
    mediaUrl: z.url().max(2000).nullish(),
    /** An upload already accepted through @zhengyun/storage (`files/obj_…`). */
    mediaKey: z
      .string()
      .regex(/^files\/obj_[0-9A-Za-z]+$/)
      .nullish(),
    contact: z.record(z.string(), z.string().max(200)).default({}),
    attributes: z.record(z.string(), z.union([z.string(), z.array(z.string())])).default({}),
  })
  .refine((i) => (i.lat == null) === (i.long == null), {
    message: "lat and long go together",
    path: ["long"],
  })
  .refine((i) => i.lat != null || !!i.address || !!i.addressId, {
    message: "a location is required: lat and long, address_string or address_id",
    path: ["location"],
  });
export type SubmitInput = z.input<typeof submitInput>;

export interface Submitted {
  id: string;
  token: string;
  centreId: string;
  centreName: string;
  dueAt: Date;
  serviceNotice: string;
}

interface UpdateBase {
  requestId: number;
  state: RequestState;
  centreId: string;
  actorId?: string | null;
  at: Date;
}

/**
 * Public update rows: every status change is visible to the resident and to Open311 clients. The
 * system's notes are a `message` (key and parameters, rendered per reader); a person's note is
 * `note`, kept as written.
 */
export async function addUpdate(
  tx: Tx,
  u: UpdateBase & ({ note: string; message?: never } | { message: HistoryMessage; note?: never }),
): Promise<void> {
  const { message, note, ...rest } = u;
  await tx.insert(csRequestUpdates).values({
    ...rest,
    note: message ? historyText(message) : (note ?? ""),
    noteKey: message?.key ?? null,
    noteParams: message?.params ?? {},
    actorId: u.actorId ?? null,
  });
}

/**
 * A resident's request (web, Open311 client, or staff entering a phone/counter request): checked
 * against the service definition, routed to the responsible centre, given its SLA deadline, and
 * counted (`cs.requests`) and audited in the same transaction.
 */
export async function submitRequest({
  ctx,
  input,
}: {
  ctx: CsCtx;
  input: unknown;
}): Promise<Submitted> {
  const i = parse(submitInput, input);
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const service = await findService(tx, i.serviceCode);
    if (!service) throw new NotFoundError(`service_code ${i.serviceCode} was not found`);
    const attributes = checkAttributes(service.attributes, i.attributes);
    const centres = await allCentres(tx);
    if (centres.length === 0) throw new ValidationError("This tenant has no service centre yet");
    const centre = routeCentre(centres, service.level, i.lat, i.long);
    const now = nowOf(ctx);
    const dueAt = slaDeadline(now, service.slaUnit, service.slaAmount);
    const [row] = await tx
      .insert(csRequests)
      .values({
        token: humanCode(16),
        serviceCode: service.code,
        channel: i.channel,
        description: i.description ?? null,
        lat: i.lat ?? null,
        long: i.long ?? null,
        address: i.address ?? null,
        addressId: i.addressId ?? null,
        zipcode: i.zipcode ?? null,
        mediaUrl: i.mediaUrl ?? null,
        mediaKey: i.mediaKey ?? null,
        contact: i.contact,
        attributes,
        centreId: centre.id,
        dueAt,
        requestedAt: now,
        updatedAt: now,
      })
      .returning({ id: csRequests.id, token: csRequests.token });
    if (!row) throw new Error("insert returned nothing");
    await addUpdate(tx, {
      requestId: row.id,
      state: "received",
      message: { key: "history.received", params: { centre: centre.name } },
      centreId: centre.id,
      actorId: ctx.actor?.id ?? null,
      at: now,
    });
    await recordUsage(tx, { meter: "cs.requests", quantity: 1, eventId: `cs.requests:${row.id}` });
    await writeAudit(tx, {
      ...auditActor(ctx),
      action: "cs.request.create",
      objectType: "cs_request",
      objectId: String(row.id),
      data: { serviceCode: service.code, centreId: centre.id, channel: i.channel },
    });
    const unit = service.slaUnit === "hours" ? "hours" : "working days";
    return {
      id: String(row.id),
      token: row.token,
      centreId: centre.id,
      centreName: centre.name,
      dueAt,
      serviceNotice: `${centre.name} will handle this request within ${service.slaAmount} ${unit}.`,
    };
  });
}

const entryInput = z.object({
  channel: z.enum(["phone", "counter"]),
  contact: z
    .record(z.string(), z.string().max(200))
    .default({})
    .refine((c) => !("userId" in c), {
      message: "userId comes from a resident's own sign-in, never from staff",
    }),
});

/**
 * Staff enter a request a resident made by phone or at the counter: the channel is one of those
 * two, and the contact is what the resident gave (never a resident account, so it cannot appear
 * among someone's own web requests). Routed, counted and audited as any request.
 */
export async function enterRequest({
  ctx,
  input,
}: {
  ctx: CsCtx;
  input: unknown;
}): Promise<Submitted> {
  if (ctx.actor?.role !== "staff") {
    throw new ForbiddenError("Only centre staff enter requests for residents");
  }
  const i = parse(entryInput, input);
  return submitRequest({ ctx, input: { ...(input as object), ...i } });
}
