import { ConflictError, ForbiddenError, NotFoundError } from "@zhengyun/core";
import type { Tx } from "@zhengyun/db";
import { withTenant } from "@zhengyun/tenancy";
import { and, asc, desc, eq, gte, inArray, sql } from "drizzle-orm";
import { allCentres, inPaths, staffPaths } from "./centres.ts";
import type { CsCtx } from "./context.ts";
import { rateRequest } from "./handling.ts";
import {
  type CentreRow,
  csBookings,
  csCentres,
  csNotices,
  csRequests,
  csRequestUpdates,
  csSlots,
  type RequestRow,
  type UpdateRow,
} from "./schema.ts";
import { listServices } from "./services.ts";

/*
 * Reads and scoped actions for the staff console and the resident pages. Staff see their subtree
 * only (anything else is "not found"); residents see the requests they filed on the web, which
 * carry their user id in `contact.userId` (Open311 clients cannot set that key).
 */

export interface RequestView {
  request: RequestRow;
  updates: UpdateRow[];
  centre: CentreRow | undefined;
}

const updatesOf = (tx: Tx, id: number) =>
  tx
    .select()
    .from(csRequestUpdates)
    .where(eq(csRequestUpdates.requestId, id))
    .orderBy(asc(csRequestUpdates.at), asc(csRequestUpdates.id));

function staffId(ctx: CsCtx): string {
  if (ctx.actor?.role !== "staff") throw new ForbiddenError("Only centre staff handle requests");
  return ctx.actor.id;
}

async function view(tx: Tx, r: RequestRow): Promise<RequestView> {
  const [centre] = await tx.select().from(csCentres).where(eq(csCentres.id, r.centreId));
  return { request: r, updates: await updatesOf(tx, r.id), centre };
}

/** A request with its history, for staff whose subtree holds it. */
export async function staffRequest(ctx: CsCtx, id: number): Promise<RequestView> {
  const userId = staffId(ctx);
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const paths = await staffPaths(tx, userId);
    const [hit] = await tx
      .select({ r: csRequests, path: csCentres.path })
      .from(csRequests)
      .innerJoin(csCentres, eq(csCentres.id, csRequests.centreId))
      .where(eq(csRequests.id, id));
    if (!hit || !inPaths(paths, hit.path)) throw new NotFoundError(`No request ${id}`);
    return view(tx, hit.r);
  });
}

/** Staff call-back (回访): the resident's rating taken by phone closes a replied request. */
export async function callBack(
  ctx: CsCtx,
  id: number,
  input: { rating: number; comment?: string },
) {
  const { request } = await staffRequest(ctx, id);
  if (request.state !== "replied")
    throw new ConflictError("Only an answered request is called back");
  await rateRequest({ ctx, input: { token: request.token, ...input } });
}

const mine = (userId: string) => sql`${csRequests.contact}->>'userId' = ${userId}`;

/** The requests a resident filed on the web, newest first. */
export async function residentRequests(ctx: CsCtx, userId: string): Promise<RequestRow[]> {
  return withTenant(ctx.db, ctx.tenant, (tx) =>
    tx
      .select()
      .from(csRequests)
      .where(mine(userId))
      .orderBy(desc(csRequests.requestedAt), desc(csRequests.id))
      .limit(200),
  );
}

export async function residentRequest(
  ctx: CsCtx,
  userId: string,
  id: number,
): Promise<RequestView> {
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const [r] = await tx
      .select()
      .from(csRequests)
      .where(and(eq(csRequests.id, id), mine(userId)));
    if (!r) throw new NotFoundError(`No request ${id}`);
    return view(tx, r);
  });
}

/** The resident rates their own answered request (closing it). */
export async function rateOwnRequest(
  ctx: CsCtx,
  userId: string,
  id: number,
  input: { rating: number; comment?: string },
) {
  const { request } = await residentRequest(ctx, userId, id);
  await rateRequest({ ctx, input: { token: request.token, ...input } });
}

/**
 * The centres a principal may manage: tenant admins see the whole tree, staff their subtrees.
 * A centre id outside them is "not found".
 */
export async function scopedCentres(ctx: CsCtx, all: boolean): Promise<CentreRow[]> {
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const centres = await allCentres(tx);
    if (all) return centres;
    const paths = await staffPaths(tx, staffId(ctx));
    return centres.filter((c) => inPaths(paths, c.path));
  });
}

export async function centreInScope(ctx: CsCtx, centreId: string, all = false) {
  const c = (await scopedCentres(ctx, all)).find((x) => x.id === centreId);
  if (!c) throw new NotFoundError(`No centre ${centreId}`);
  return c;
}

export const publicCentres = (ctx: CsCtx) => withTenant(ctx.db, ctx.tenant, allCentres);
export const activeServices = (ctx: CsCtx) => withTenant(ctx.db, ctx.tenant, listServices);

/** Notices of these centres, newest first. */
export async function noticesOf(ctx: CsCtx, centreIds: string[]) {
  if (centreIds.length === 0) return [];
  return withTenant(ctx.db, ctx.tenant, (tx) =>
    tx
      .select()
      .from(csNotices)
      .where(inArray(csNotices.centreId, centreIds))
      .orderBy(desc(csNotices.publishedAt))
      .limit(200),
  );
}

/** A community's notices and those of every centre above it. */
export async function noticesForCentre(ctx: CsCtx, centreId: string) {
  const centre = (await publicCentres(ctx)).find((c) => c.id === centreId);
  if (!centre) throw new NotFoundError(`No centre ${centreId}`);
  return noticesOf(ctx, centre.path.split("/").filter(Boolean));
}

/** The bookings of a slot (staff whose subtree holds the slot's centre). */
export async function slotBookings(ctx: CsCtx, slotId: string) {
  const [slot] = await withTenant(ctx.db, ctx.tenant, (tx) =>
    tx.select().from(csSlots).where(eq(csSlots.id, slotId)),
  );
  if (!slot) throw new NotFoundError(`No slot ${slotId}`);
  await centreInScope(ctx, slot.centreId);
  const bookings = await withTenant(ctx.db, ctx.tenant, (tx) =>
    tx
      .select()
      .from(csBookings)
      .where(eq(csBookings.slotId, slotId))
      .orderBy(asc(csBookings.createdAt)),
  );
  return { slot, bookings };
}

/** All slots of a staff member's centres from `from` on (full ones included). */
export async function staffSlots(ctx: CsCtx, from: Date) {
  const ids = (await scopedCentres(ctx, false)).map((c) => c.id);
  if (ids.length === 0) return [];
  return withTenant(ctx.db, ctx.tenant, (tx) =>
    tx
      .select()
      .from(csSlots)
      .where(and(inArray(csSlots.centreId, ids), gte(csSlots.startsAt, from)))
      .orderBy(asc(csSlots.startsAt))
      .limit(500),
  );
}

/** A resident's bookings with their slots, latest slot first. */
export async function residentBookings(ctx: CsCtx, userId: string) {
  return withTenant(ctx.db, ctx.tenant, (tx) =>
    tx
      .select({ booking: csBookings, slot: csSlots })
      .from(csBookings)
      .innerJoin(csSlots, eq(csSlots.id, csBookings.slotId))
      .where(eq(csBookings.userId, userId))
      .orderBy(desc(csSlots.startsAt))
      .limit(200),
  );
}
