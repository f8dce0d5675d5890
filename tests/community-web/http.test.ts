import { csRequests, escalateOverdue } from "@zhengyun/community";
import type { Database } from "@zhengyun/db";
import { withTenant } from "@zhengyun/tenancy";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";
import { adminApp, type People, req, type SignedIn, staffFactory } from "../http-admin/helpers.ts";
import { HOME, type Town, town } from "./helpers.ts";

// biome-ignore lint/suspicious/noExplicitAny: JSON answers, checked by the assertions below
type Json = Record<string, any>;

describe.each(drivers())("community staff and resident routes on %s", (driver) => {
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let people: People;
  let app: ReturnType<typeof adminApp>;
  let a: Town;
  let b: Town;
  const base = (t: Tenant) => `/t/${t.slug}/api/v1/community`;
  const call = async (method: string, path: string, who?: SignedIn, body?: unknown) => {
    const res = await app.request(path, req(method, who, body));
    const text = await res.text();
    return {
      status: res.status,
      type: res.headers.get("content-type"),
      body: (text ? JSON.parse(text) : null) as Json,
    };
  };
  const report = (who: SignedIn, extra: Json = {}) =>
    call("POST", `${base(a.tenant)}/me/requests`, who, {
      serviceCode: "ROAD01",
      description: "路面坑洼",
      attributes: { SIZE: "L" },
      ...HOME,
      ...extra,
    });
  const pastDue = (id: number) =>
    withTenant(db, a.tenant, (tx) =>
      tx
        .update(csRequests)
        .set({ dueAt: new Date(people.clock.now().getTime() - 60_000) })
        .where(eq(csRequests.id, id)),
    );
  const count = async () =>
    (await withTenant(db, a.tenant, (tx) => tx.select().from(csRequests))).length;

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    tenants = tenantFactory(db);
    people = staffFactory(db);
    app = adminApp(db, people.clock);
    a = await town(db, people, await tenants.create());
    b = await town(db, people, await tenants.create());
  });
  afterAll(async () => {
    await people.cleanup([a.tenant.id, b.tenant.id]);
    await tenants.cleanup();
    await db.close();
  });

  it("a resident reports; the street agent handles it in deadline order; the resident rates it", async () => {
    const made = await report(a.resident);
    expect(made.status).toBe(201);
    const id = Number(made.body.id);
    const mine = await call("GET", `${base(a.tenant)}/me/requests`, a.resident);
    expect(mine.body.items.map((r: Json) => r.id)).toContain(id);
    // Another resident does not see it.
    const theirs = await call("GET", `${base(a.tenant)}/me/requests`, a.neighbour);
    expect(theirs.body.items.map((r: Json) => r.id)).not.toContain(id);
    expect((await call("GET", `${base(a.tenant)}/me/requests/${id}`, a.neighbour)).status).toBe(
      404,
    );

    const queue = await call("GET", `${base(a.tenant)}/queue`, a.street0);
    expect(queue.status).toBe(200);
    const item = queue.body.items.find((r: Json) => r.id === id);
    expect(item).toMatchObject({ state: "received", overdue: false, dueSoon: true });
    const dues = queue.body.items.map((r: Json) => r.dueAt);
    expect([...dues].sort()).toEqual(dues);

    for (const to of ["dispatched", "in_progress", "replied"]) {
      const moved = await call("POST", `${base(a.tenant)}/requests/${id}/actions`, a.street0, {
        to,
        note: `步骤 ${to}`,
      });
      expect(moved.status).toBe(200);
      expect(moved.body.request.state).toBe(to);
    }
    const rated = await call("POST", `${base(a.tenant)}/me/requests/${id}/rating`, a.resident, {
      rating: 5,
      comment: "很快",
    });
    expect(rated.status).toBe(200);
    expect(rated.body.request).toMatchObject({ state: "closed", rating: 5 });
    expect(rated.body.updates.map((u: Json) => u.state)).toEqual([
      "received",
      "dispatched",
      "in_progress",
      "replied",
      "closed",
    ]);
  });

  it("staff see their subtree only; citizens, other roles and other tenants are refused", async () => {
    const id = Number((await report(a.resident)).body.id);
    const detail = `${base(a.tenant)}/requests/${id}`;
    expect((await call("GET", detail, a.street0)).status).toBe(200);
    expect((await call("GET", detail, a.city)).status).toBe(200);
    // A sibling street learns nothing, nor can it act.
    expect((await call("GET", detail, a.street1)).status).toBe(404);
    const act = await call("POST", `${detail}/actions`, a.street1, { to: "dispatched", note: "x" });
    expect(act.status).toBe(404);
    expect(
      (await call("GET", `${base(a.tenant)}/queue`, a.street1)).body.items.map((r: Json) => r.id),
    ).not.toContain(id);
    // Citizens and a tenant admin are not community staff.
    expect((await call("GET", `${base(a.tenant)}/queue`, a.resident)).status).toBe(403);
    expect((await call("GET", detail, a.admin)).status).toBe(403);
    // Staff are not residents.
    expect((await call("GET", `${base(a.tenant)}/me/requests`, a.street0)).status).toBe(403);
    // Another tenant's agent: 404 like every tenant route; signed out: 401.
    expect((await call("GET", detail, b.city)).status).toBe(404);
    expect((await call("GET", `${base(a.tenant)}/queue`)).status).toBe(401);
  });

  it("bad reports are problem+json and write nothing", async () => {
    const before = await count();
    const noPlace = await report(a.resident, { lat: undefined, long: undefined });
    expect(noPlace.status).toBe(400);
    expect(noPlace.type).toContain("application/problem+json");
    expect((await report(a.resident, { serviceCode: "NOPE" })).status).toBe(404);
    expect((await report(a.resident, { attributes: {} })).status).toBe(400);
    const bad = await call("POST", `${base(a.tenant)}/requests/1/actions`, a.street0, {
      to: "flying",
      note: "",
    });
    expect(bad.status).toBe(400);
    expect(await count()).toBe(before);
  });

  it("an overdue request escalates out of the street's subtree; merge and call-back close requests", async () => {
    const id = Number((await report(a.resident)).body.id);
    // Its deadline passes: the queue flags it, and each supervision pass moves it one level up.
    await pastDue(id);
    const flagged = await call("GET", `${base(a.tenant)}/queue`, a.street0);
    expect(flagged.body.items.find((r: Json) => r.id === id)).toMatchObject({ overdue: true });
    expect(await escalateOverdue(db, a.tenant, people.clock)).toBe(1);
    await pastDue(id);
    expect(await escalateOverdue(db, a.tenant, people.clock)).toBe(1);
    // Community → street → district: out of street 0's sight, still in the city's.
    expect((await call("GET", `${base(a.tenant)}/requests/${id}`, a.street0)).status).toBe(404);
    const seen = await call("GET", `${base(a.tenant)}/requests/${id}`, a.city);
    expect(seen.body.request.escalations).toBe(2);
    expect(seen.body.centre.id).toBe(a.tree.districts[0]?.id);

    const dup = Number((await report(a.resident)).body.id);
    const merged = await call("POST", `${base(a.tenant)}/requests/${dup}/merge`, a.city, {
      intoId: id,
    });
    expect(merged.body.request).toMatchObject({ state: "closed", mergedInto: id });
    for (const to of ["dispatched", "in_progress", "replied"]) {
      await call("POST", `${base(a.tenant)}/requests/${id}/actions`, a.city, { to, note: to });
    }
    const called = await call("POST", `${base(a.tenant)}/requests/${id}/call-back`, a.city, {
      rating: 4,
    });
    expect(called.status).toBe(200);
    expect(called.body.request).toMatchObject({ state: "closed", rating: 4 });
  });

  it("notices reach the residents of the area; slots are booked and cancelled by their owner", async () => {
    const community = a.tree.communities[0]?.id ?? "";
    const published = await call("POST", `${base(a.tenant)}/notices`, a.street0, {
      centreId: community,
      title: "停水通知",
      body: "周三 9:00–12:00 停水",
    });
    expect(published.status).toBe(201);
    const outside = await call("POST", `${base(a.tenant)}/notices`, a.street1, {
      centreId: community,
      title: "x",
      body: "y",
    });
    expect(outside.status).toBe(404);
    const read = await call("GET", `${base(a.tenant)}/me/notices?centre=${community}`, a.resident);
    expect(read.body.items.map((n: Json) => n.title)).toEqual(["停水通知"]);
    const byPoint = await call(
      "GET",
      `${base(a.tenant)}/me/notices?lat=${HOME.lat}&long=${HOME.long}`,
      a.resident,
    );
    expect(byPoint.body.items).toHaveLength(1);
    const elsewhere = a.tree.communities[3]?.id ?? "";
    expect(
      (await call("GET", `${base(a.tenant)}/me/notices?centre=${elsewhere}`, a.resident)).body
        .items,
    ).toEqual([]);

    const start = new Date(people.clock.now().getTime() + 48 * 3_600_000);
    const slot = await call("POST", `${base(a.tenant)}/slots`, a.street0, {
      centreId: community,
      serviceCode: "PERMIT",
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + 3_600_000).toISOString(),
      capacity: 1,
    });
    expect(slot.status).toBe(201);
    const open = await call("GET", `${base(a.tenant)}/me/slots?centre=${community}`, a.resident);
    expect(open.body.items.map((s: Json) => s.id)).toEqual([slot.body.id]);
    const booking = { slotId: slot.body.id, residentName: "王五", phone: "13800000000" };
    const booked = await call("POST", `${base(a.tenant)}/me/bookings`, a.resident, booking);
    expect(booked.status).toBe(201);
    expect((await call("POST", `${base(a.tenant)}/me/bookings`, a.neighbour, booking)).status).toBe(
      409,
    );
    const list = await call("GET", `${base(a.tenant)}/slots/${slot.body.id}/bookings`, a.street0);
    expect(list.body.items.map((x: Json) => x.residentName)).toEqual(["王五"]);
    expect(
      (await call("GET", `${base(a.tenant)}/slots/${slot.body.id}/bookings`, a.street1)).status,
    ).toBe(404);
    // Only the owner cancels.
    const path = `${base(a.tenant)}/me/bookings/${booked.body.id}`;
    expect((await call("DELETE", path, a.neighbour)).status).toBe(404);
    expect((await call("DELETE", path, a.resident)).status).toBe(204);
    const mine = await call("GET", `${base(a.tenant)}/me/bookings`, a.resident);
    expect(mine.body.items[0].booking.status).toBe("cancelled");
  });

  it("tenant admins edit the centre tree; agents edit the catalogue", async () => {
    const street = a.tree.streets[0]?.id ?? "";
    const added = await call("POST", `${base(a.tenant)}/centres`, a.admin, {
      parentId: street,
      level: "community",
      name: "新社区",
    });
    expect(added.status).toBe(201);
    const edited = await call("PATCH", `${base(a.tenant)}/centres/${added.body.id}`, a.admin, {
      openingHours: "09:00–17:00",
    });
    expect(edited.body).toMatchObject({ name: "新社区", openingHours: "09:00–17:00" });
    expect(
      (await call("POST", `${base(a.tenant)}/centres`, a.street0, { level: "city", name: "x" }))
        .status,
    ).toBe(403);
    const wrongLevel = await call("POST", `${base(a.tenant)}/centres`, a.admin, {
      parentId: street,
      level: "district",
      name: "错",
    });
    expect(wrongLevel.status).toBe(400);
    // The new community is inside street 0's subtree.
    const tree = await call("GET", `${base(a.tenant)}/centres`, a.street0);
    expect(tree.body.items.map((c: Json) => c.id)).toContain(added.body.id);
    expect(tree.body.items.map((c: Json) => c.id)).not.toContain(a.tree.city.id);

    const saved = await call("PUT", `${base(a.tenant)}/services/NOISE`, a.street0, {
      nameZh: "噪音",
      nameEn: "Noise",
      level: "street",
      slaUnit: "days",
      slaAmount: 2,
    });
    expect(saved.status).toBe(200);
    const services = await call("GET", `${base(a.tenant)}/me/services`, a.resident);
    expect(services.body.items.map((s: Json) => s.code)).toContain("NOISE");
    expect(
      (await call("PUT", `${base(a.tenant)}/services/NOISE`, a.resident, saved.body)).status,
    ).toBe(403);
  });
});
