import {
  addWorkingDays,
  advanceRequest,
  assignStaff,
  bookSlot,
  type CsCtx,
  cancelBooking,
  createSlot,
  csRequests,
  csRequestUpdates,
  escalateOverdue,
  listQueue,
  mergeDuplicate,
  noticesFor,
  publishNotice,
  rateRequest,
  submitRequest,
  visibleCentres,
} from "@zhengyun/community";
import { ConflictError, ManualClock, NotFoundError, ValidationError } from "@zhengyun/core";
import { type Database, tenantSchema } from "@zhengyun/db";
import { withTenant } from "@zhengyun/tenancy";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";
import { seedServices, seedTree, type Tree } from "./fixtures.ts";

const HOUR = 3_600_000;

describe.each(drivers())("community domain on %s", (driver) => {
  let db: Database;
  let factory: ReturnType<typeof tenantFactory>;
  let tenant: Tenant;
  let tree: Tree;
  const clock = new ManualClock("2026-03-02T01:00:00Z");
  const ctx = (actor?: CsCtx["actor"]): CsCtx => ({
    db,
    tenant,
    clock,
    ...(actor ? { actor } : {}),
  });
  const staff = (id: string) => ctx({ id, role: "staff" });
  // Inside community 0 of district 0 (and so inside its street, district and the city).
  const home = { lat: 39.89, long: 116.3 };
  const report = (extra: Record<string, unknown> = {}) =>
    submitRequest({
      ctx: ctx({ id: "resident", role: "resident" }),
      input: {
        serviceCode: "ROAD01",
        channel: "web",
        attributes: { SIZE: "L" },
        ...home,
        ...extra,
      },
    });
  const stateOf = async (id: string) =>
    (
      await withTenant(db, tenant, (tx) =>
        tx
          .select()
          .from(csRequests)
          .where(eq(csRequests.id, Number(id))),
      )
    )[0];

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    factory = tenantFactory(db);
    tenant = await factory.create();
    tree = await seedTree(ctx());
    await seedServices(ctx());
    await assignStaff({
      ctx: ctx(),
      input: { userId: "usr_district0", centreId: tree.districts[0]?.id },
    });
    await assignStaff({
      ctx: ctx(),
      input: { userId: "usr_comm0", centreId: tree.communities[0]?.id },
    });
    await assignStaff({ ctx: ctx(), input: { userId: "usr_city", centreId: tree.city.id } });
  });
  afterAll(async () => {
    await factory.cleanup();
    await db.close();
  });

  it("routes by service level and location; outside every area to the top centre", async () => {
    expect((await report()).centreId).toBe(tree.communities[0]?.id);
    const permit = await submitRequest({
      ctx: ctx(),
      input: { serviceCode: "PERMIT", channel: "counter", ...home },
    });
    expect(permit.centreId).toBe(tree.streets[0]?.id);
    expect((await report({ lat: 31.2, long: 121.5 })).centreId).toBe(tree.city.id);
    const byAddress = await report({ lat: undefined, long: undefined, address: "某路 8 号" });
    expect(byAddress.centreId).toBe(tree.city.id);
  });

  it("records usage and audit in the creating transaction; bad input writes nothing", async () => {
    const counts = () =>
      withTenant(db, tenant, async (tx) => ({
        requests: (await tx.select({ n: count() }).from(csRequests))[0]?.n,
        usage: (await tx.select({ n: count() }).from(tenantSchema.usageOutbox))[0]?.n,
        audit: (await tx.select({ n: count() }).from(tenantSchema.auditLog))[0]?.n,
      }));
    const before = await counts();
    const made = await report();
    const usage = await withTenant(db, tenant, (tx) =>
      tx
        .select()
        .from(tenantSchema.usageOutbox)
        .where(eq(tenantSchema.usageOutbox.eventId, `cs.requests:${made.id}`)),
    );
    expect(usage.map((u) => [u.meter, u.quantity])).toEqual([["cs.requests", "1"]]);
    const after = await counts();
    expect(after.audit).toBe((before.audit ?? 0) + 1);

    await expect(report({ lat: undefined, long: undefined })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(report({ attributes: {} })).rejects.toThrow(/attribute\[SIZE\]: required/);
    await expect(report({ attributes: { SIZE: "XL" } })).rejects.toBeInstanceOf(ValidationError);
    await expect(report({ serviceCode: "NOPE" })).rejects.toBeInstanceOf(NotFoundError);
    expect(await counts()).toEqual(after);
  });

  it("staff see their centre and everything below it, never siblings or parents", async () => {
    const seen = (await visibleCentres({ ctx: ctx(), userId: "usr_district0" })).map((c) => c.id);
    expect(seen.sort()).toEqual(
      [tree.districts[0], tree.streets[0], tree.communities[0], tree.communities[1]]
        .map((c) => c?.id)
        .sort(),
    );
    const mine = await report();
    const sibling = await report({ lat: 39.89, long: 116.5 });
    const queue = (await listQueue({ ctx: staff("usr_district0"), input: {} })).map((r) =>
      String(r.id),
    );
    expect(queue).toContain(mine.id);
    expect(queue).not.toContain(sibling.id);
    const comm = (await listQueue({ ctx: staff("usr_comm0"), input: {} })).map((r) => String(r.id));
    expect(comm).toContain(mine.id);
    // A city request is above the community agent: invisible, and acting on it says "no such request".
    const top = await report({ lat: 10, long: 10 });
    expect(comm).not.toContain(top.id);
    await expect(
      advanceRequest({
        ctx: staff("usr_comm0"),
        input: { requestId: top.id, to: "dispatched", note: "x" },
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      advanceRequest({
        ctx: staff("usr_district0"),
        input: { requestId: sibling.id, to: "dispatched", note: "x" },
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect((await stateOf(sibling.id))?.state).toBe("received");
  });

  it("escalates an overdue request one level per missed deadline, up to the top centre", async () => {
    const r = await report();
    const path = [tree.streets[0], tree.districts[0], tree.city].map((c) => c?.id);
    for (const expected of path) {
      clock.advance(23 * HOUR);
      await escalateOverdue(db, tenant, clock);
      expect((await stateOf(r.id))?.centreId).not.toBe(expected);
      clock.advance(2 * HOUR);
      expect(await escalateOverdue(db, tenant, clock)).toBeGreaterThan(0);
      expect((await stateOf(r.id))?.centreId).toBe(expected);
    }
    clock.advance(48 * HOUR);
    await escalateOverdue(db, tenant, clock);
    const final = await stateOf(r.id);
    expect(final?.centreId).toBe(tree.city.id);
    expect(final?.escalations).toBe(3);
    const notes = await withTenant(db, tenant, (tx) =>
      tx
        .select()
        .from(csRequestUpdates)
        .where(eq(csRequestUpdates.requestId, Number(r.id))),
    );
    expect(notes.filter((n) => n.note.includes("督办"))).toHaveLength(3);
    // The community agent no longer sees it; the city agent does.
    const comm = (await listQueue({ ctx: staff("usr_comm0"), input: {} })).map((x) => String(x.id));
    expect(comm).not.toContain(r.id);
    const city = (await listQueue({ ctx: staff("usr_city"), input: {} })).map((x) => String(x.id));
    expect(city).toContain(r.id);
  });

  it("does not escalate answered requests", async () => {
    const r = await report();
    for (const to of ["dispatched", "in_progress", "replied"] as const) {
      await advanceRequest({ ctx: staff("usr_comm0"), input: { requestId: r.id, to, note: to } });
    }
    clock.advance(100 * HOUR);
    await escalateOverdue(db, tenant, clock);
    expect((await stateOf(r.id))?.centreId).toBe(tree.communities[0]?.id);
  });

  it("runs the handling loop to a rating, refuses skipped steps, merges duplicates", async () => {
    const r = await report();
    await expect(
      advanceRequest({
        ctx: staff("usr_comm0"),
        input: { requestId: r.id, to: "replied", note: "x" },
      }),
    ).rejects.toBeInstanceOf(ConflictError);
    for (const to of ["dispatched", "in_progress", "replied"] as const) {
      await advanceRequest({
        ctx: staff("usr_comm0"),
        input: { requestId: r.id, to, note: `step ${to}` },
      });
    }
    const { token } = r;
    await rateRequest({ ctx: ctx(), input: { token, rating: 5, comment: "快" } });
    const rated = await stateOf(r.id);
    expect([rated?.state, rated?.rating]).toEqual(["closed", 5]);
    await expect(rateRequest({ ctx: ctx(), input: { token, rating: 1 } })).rejects.toBeInstanceOf(
      ConflictError,
    );

    const a = await report();
    const b = await report();
    await mergeDuplicate({ ctx: staff("usr_district0"), input: { requestId: b.id, intoId: a.id } });
    const merged = await stateOf(b.id);
    expect([merged?.state, merged?.mergedInto]).toEqual(["closed", Number(a.id)]);
    const updates = await withTenant(db, tenant, (tx) =>
      tx
        .select()
        .from(csRequestUpdates)
        .where(eq(csRequestUpdates.requestId, Number(r.id))),
    );
    expect(updates.map((u) => u.state)).toEqual([
      "received",
      "dispatched",
      "in_progress",
      "replied",
      "closed",
    ]);
  });

  it("books the last seat exactly once under concurrent requests; cancellation frees it", async () => {
    const slot = await createSlot({
      ctx: ctx(),
      input: {
        centreId: tree.communities[0]?.id,
        serviceCode: "PERMIT",
        startsAt: new Date(clock.now().getTime() + 48 * HOUR),
        endsAt: new Date(clock.now().getTime() + 49 * HOUR),
        capacity: 2,
      },
    });
    await bookSlot({
      ctx: ctx(),
      input: { slotId: slot.id, residentName: "甲", phone: "13800000000" },
    });
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, k) =>
        bookSlot({
          ctx: ctx(),
          input: { slotId: slot.id, residentName: `乙${k}`, phone: "13800000001" },
        }),
      ),
    );
    const won = results.filter((r) => r.status === "fulfilled");
    expect(won).toHaveLength(1);
    for (const r of results)
      if (r.status === "rejected") expect(r.reason).toBeInstanceOf(ConflictError);
    const booking = (won[0] as PromiseFulfilledResult<{ id: string }>).value;
    await cancelBooking({ ctx: ctx(), input: { bookingId: booking.id } });
    await expect(
      cancelBooking({ ctx: ctx(), input: { bookingId: booking.id } }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await bookSlot({
      ctx: ctx(),
      input: { slotId: slot.id, residentName: "丙", phone: "13800000002" },
    });
    await expect(
      bookSlot({
        ctx: ctx(),
        input: { slotId: slot.id, residentName: "丁", phone: "13800000003" },
      }),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it("shows residents the notices of their community and the centres above it", async () => {
    await publishNotice({
      ctx: ctx(),
      input: { centreId: tree.communities[0]?.id, title: "停水", body: "周三停水" },
    });
    await publishNotice({
      ctx: ctx(),
      input: { centreId: tree.communities[1]?.id, title: "别处", body: "x" },
    });
    await publishNotice({
      ctx: ctx(),
      input: { centreId: tree.city.id, title: "全市", body: "y" },
    });
    const titles = (await noticesFor({ ctx: ctx(), input: home })).map((n) => n.title);
    expect(titles.sort()).toEqual(["全市", "停水"].sort());
  });

  it("counts SLA days on the working-day calendar (holidays and adjusted weekends)", () => {
    // Wed 2026-09-30 10:00 Shanghai: National Day week is off, Thu 8 October is the next working day.
    expect(addWorkingDays(new Date("2026-09-30T02:00:00Z"), 1).toISOString()).toBe(
      "2026-10-08T02:00:00.000Z",
    );
    // Fri 9 October + 1: Saturday 10 October is an adjusted working day.
    expect(addWorkingDays(new Date("2026-10-09T02:00:00Z"), 1).toISOString()).toBe(
      "2026-10-10T02:00:00.000Z",
    );
    // An ordinary Friday + 1 is Monday.
    expect(addWorkingDays(new Date("2026-11-27T02:00:00Z"), 1).toISOString()).toBe(
      "2026-11-30T02:00:00.000Z",
    );
  });
});
