import { writeAudit } from "@zhengyun/audit";
import { ConflictError, NotFoundError, newId, ValidationError } from "@zhengyun/core";
import { withTenant } from "@zhengyun/tenancy";
import { and, asc, eq, gte, lt, sql } from "drizzle-orm";
import { z } from "zod";
import { auditActor, type CsCtx, nowOf, parse } from "./context.ts";
import { type BookingRow, csBookings, csCentres, csSlots, type SlotRow } from "./schema.ts";

const slotInput = z.object({
  centreId: z.string().min(1),
  serviceCode: z.string().min(1).max(64),
  startsAt: z.coerce.date(),
  endsAt: z.coerce.date(),
  capacity: z.number().int().positive().max(1000),
});

export async function createSlot({ ctx, input }: { ctx: CsCtx; input: unknown }): Promise<SlotRow> {
  const i = parse(slotInput, input);
  if (i.endsAt <= i.startsAt) {
    throw new ValidationError("A slot ends after it starts", [
      { path: "endsAt", message: "before startsAt" },
    ]);
  }
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const [centre] = await tx.select().from(csCentres).where(eq(csCentres.id, i.centreId));
    if (!centre) throw new NotFoundError(`No centre ${i.centreId}`);
    const [row] = await tx
      .insert(csSlots)
      .values({ ...i, id: newId("css") })
      .returning();
    if (!row) throw new Error("insert returned nothing");
    await writeAudit(tx, {
      ...auditActor(ctx),
      action: "cs.slot.create",
      objectType: "cs_slot",
      objectId: row.id,
    });
    return row;
  });
}

/** Open slots of a centre from `from` on (with seats left), earliest first. */
export async function listSlots({
  ctx,
  input,
}: {
  ctx: CsCtx;
  input: { centreId: string; from: Date };
}) {
  return withTenant(ctx.db, ctx.tenant, (tx) =>
    tx
      .select()
      .from(csSlots)
      .where(
        and(
          eq(csSlots.centreId, input.centreId),
          gte(csSlots.startsAt, input.from),
          lt(csSlots.booked, csSlots.capacity),
        ),
      )
      .orderBy(asc(csSlots.startsAt)),
  );
}

const bookInput = z.object({
  slotId: z.string().min(1),
  residentName: z.string().trim().min(1).max(100),
  phone: z.string().regex(/^[0-9+\- ]{5,20}$/),
  userId: z.string().optional(),
});

/**
 * Books a seat. The seat is taken by one conditional update (`booked < capacity`), so concurrent
 * bookings of the last seat serialize on the slot row and exactly one wins; the others get 409.
 */
export async function bookSlot({
  ctx,
  input,
}: {
  ctx: CsCtx;
  input: unknown;
}): Promise<BookingRow> {
  const i = parse(bookInput, input);
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const now = nowOf(ctx);
    const taken = await tx
      .update(csSlots)
      .set({ booked: sql`${csSlots.booked} + 1` })
      .where(
        and(
          eq(csSlots.id, i.slotId),
          lt(csSlots.booked, csSlots.capacity),
          gte(csSlots.startsAt, now),
        ),
      )
      .returning({ id: csSlots.id });
    if (taken.length === 0) {
      const [slot] = await tx
        .select({ id: csSlots.id })
        .from(csSlots)
        .where(eq(csSlots.id, i.slotId));
      if (!slot) throw new NotFoundError(`No slot ${i.slotId}`);
      throw new ConflictError("This slot is full or has passed");
    }
    const [row] = await tx
      .insert(csBookings)
      .values({ ...i, userId: i.userId ?? null, id: newId("csb"), createdAt: now })
      .returning();
    if (!row) throw new Error("insert returned nothing");
    await writeAudit(tx, {
      ...auditActor(ctx),
      action: "cs.booking.create",
      objectType: "cs_booking",
      objectId: row.id,
    });
    return row;
  });
}

/**
 * Cancels a booking and frees its seat; cancelling twice is refused. With `userId`, only that
 * resident's own booking (anyone else's is "not found").
 */
export async function cancelBooking({ ctx, input }: { ctx: CsCtx; input: unknown }) {
  const i = parse(z.object({ bookingId: z.string().min(1), userId: z.string().optional() }), input);
  await withTenant(ctx.db, ctx.tenant, async (tx) => {
    const now = nowOf(ctx);
    const [b] = await tx
      .update(csBookings)
      .set({ status: "cancelled", cancelledAt: now })
      .where(
        and(
          eq(csBookings.id, i.bookingId),
          eq(csBookings.status, "booked"),
          i.userId ? eq(csBookings.userId, i.userId) : undefined,
        ),
      )
      .returning();
    if (!b) throw new NotFoundError(`No active booking ${i.bookingId}`);
    await tx
      .update(csSlots)
      .set({ booked: sql`${csSlots.booked} - 1` })
      .where(eq(csSlots.id, b.slotId));
    await writeAudit(tx, {
      ...auditActor(ctx),
      action: "cs.booking.cancel",
      objectType: "cs_booking",
      objectId: b.id,
    });
  });
}
