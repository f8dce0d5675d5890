import { csRequests } from "@zhengyun/community";
import type { Database } from "@zhengyun/db";
import { withTenant } from "@zhengyun/tenancy";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, openTestDatabase, tenantFactory } from "../harness/index.ts";
import { adminApp, formClient, type People, staffFactory } from "../http-admin/helpers.ts";
import { HOME, type Town, town } from "./helpers.ts";

describe.each(drivers())("community pages on %s", (driver) => {
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let people: People;
  let app: ReturnType<typeof adminApp>;
  let a: Town;
  let b: Town;
  const { page, post } = formClient(() => app);

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

  it("a resident reports through the two-step form, with the service's own questions", async () => {
    const portal = `/t/${a.tenant.slug}/community`;
    const step1 = await page(`${portal}/report?lang=en`, a.resident);
    expect(step1.status).toBe(200);
    expect(step1.html).toContain("Continue");
    const step2 = await page(`${portal}/report?service=ROAD01&lang=en`, a.resident);
    expect(step2.html).toContain("How big is it?");
    // The required question unanswered: the form comes back with the error beside it.
    const missing = await post(`${portal}/report`, a.resident, {
      serviceCode: "ROAD01",
      address: "示例路1号",
    });
    expect(missing.status).toBe(400);
    expect(missing.html).toContain('id="f-attribute[SIZE]-err"');
    expect(missing.html).toContain("示例路1号");
    const done = await post(`${portal}/report`, a.resident, {
      serviceCode: "ROAD01",
      description: "井盖缺失",
      "attribute[SIZE]": "L",
      "attribute[HAZARDS][water]": "on",
      lat: String(HOME.lat),
      long: String(HOME.long),
    });
    expect(done.status).toBe(303);
    const id = Number(/requests\/(\d+)/.exec(done.location ?? "")?.[1]);
    const [row] = await withTenant(db, a.tenant, (tx) =>
      tx.select().from(csRequests).where(eq(csRequests.id, id)),
    );
    expect(row).toMatchObject({ channel: "web", attributes: { SIZE: "L", HAZARDS: ["water"] } });
    expect(row?.centreId).toBe(a.tree.communities[0]?.id);
    const track = await page(`${portal}/requests/${id}`, a.resident);
    expect(track.html).toContain("井盖缺失");
    expect((await page(`${portal}/requests/${id}`, a.neighbour)).status).toBe(404);
    expect((await page(portal, a.resident)).html).toContain(`requests/${id}`);
  });

  it("the street agent works the queue page and the request page; refusals are shell pages", async () => {
    const console = `/t/${a.tenant.slug}/console/community`;
    const portal = `/t/${a.tenant.slug}/community`;
    const done = await post(`${portal}/report`, a.resident, {
      serviceCode: "PERMIT",
      address: "示例路2号",
    });
    const id = Number(/requests\/(\d+)/.exec(done.location ?? "")?.[1]);
    // Due in the past: the queue shows it overdue.
    await withTenant(db, a.tenant, (tx) =>
      tx
        .update(csRequests)
        .set({ dueAt: new Date(people.clock.now().getTime() - 1) })
        .where(eq(csRequests.id, id)),
    );
    // PERMIT is handled at street level; no coordinates → the city centre takes it.
    const queue = await page(`${console}?lang=en`, a.city);
    expect(queue.status).toBe(200);
    expect(queue.html).toContain(`requests/${id}`);
    expect(queue.html).toContain("Overdue");
    const act = await post(`${console}/requests/${id}/action`, a.city, {
      to: "dispatched",
      note: "派往街道",
      centreId: a.tree.streets[0]?.id ?? "",
    });
    expect(act.status).toBe(303);
    const street = await page(`${console}/requests/${id}`, a.street0);
    expect(street.status).toBe(200);
    expect(street.html).toContain("派往街道");
    const empty = await post(`${console}/requests/${id}/action`, a.street0, {
      to: "in_progress",
      note: "",
    });
    expect(empty.status).toBe(400);
    // Siblings, residents and other tenants.
    expect((await page(`${console}/requests/${id}`, a.street1)).status).toBe(404);
    expect((await page(console, a.resident)).status).toBe(403);
    expect((await page(console, b.city)).status).toBe(404);
    expect((await page(console)).status).toBe(303);
    expect((await page(`${portal}/report`, a.street0)).status).toBe(403);
  });

  it("staff pages for centres, catalogue, slots and notices render and save", async () => {
    const console = `/t/${a.tenant.slug}/console/community`;
    for (const path of ["", "/centres", "/services", "/slots", "/notices"]) {
      const res = await page(`${console}${path}`, a.street0);
      expect(res.status, path).toBe(200);
    }
    // The tree: an admin sees the add form, an agent does not; a security admin is refused.
    expect((await page(`${console}/centres`, a.admin)).html).toContain('name="parentId"');
    expect((await page(`${console}/centres`, a.street0)).html).not.toContain('name="parentId"');
    const added = await post(`${console}/centres`, a.admin, {
      parentId: a.tree.streets[1]?.id ?? "",
      level: "community",
      name: "新建社区",
    });
    expect(added.status).toBe(303);
    const centre = `${console}/centres/${a.tree.communities[0]?.id}`;
    expect((await page(centre, a.admin)).html).toContain("Mon–Fri 09:00–17:00");
    expect((await page(centre, a.street0)).status).toBe(403);
    const edited = await post(centre, a.admin, {
      name: "第1区第1社区",
      openingHours: "每天 08:00–20:00",
    });
    expect(edited.status).toBe(303);
    expect((await page(`${console}/centres`, a.street0)).html).toContain("每天 08:00–20:00");
    expect((await post(`${console}/centres`, a.street0, { level: "city", name: "x" })).status).toBe(
      403,
    );
    const saved = await post(`${console}/services`, a.street0, {
      code: "TREE01",
      nameZh: "树木修剪",
      nameEn: "Tree pruning",
      level: "street",
      slaUnit: "days",
      slaAmount: "5",
      attributes: "[not json",
    });
    expect(saved.status).toBe(400);
    const ok = await post(`${console}/services`, a.street0, {
      code: "TREE01",
      nameZh: "树木修剪",
      nameEn: "Tree pruning",
      level: "street",
      slaUnit: "days",
      slaAmount: "5",
    });
    expect(ok.status).toBe(303);
    expect((await page(`${console}/services`, a.street0)).html).toContain("树木修剪");
    const community = a.tree.communities[0]?.id ?? "";
    const slot = await post(`${console}/slots`, a.street0, {
      centreId: community,
      serviceCode: "PERMIT",
      startsAt: "2099-03-05T09:00",
      endsAt: "2099-03-05T10:00",
      capacity: "2",
    });
    expect(slot.status).toBe(303);
    const notice = await post(`${console}/notices`, a.street0, {
      centreId: community,
      title: "义诊通知",
      body: "周六上午社区义诊",
    });
    expect(notice.status).toBe(303);

    // The resident sees the notice and books the slot.
    const portal = `/t/${a.tenant.slug}/community`;
    expect((await page(`${portal}/notices?centre=${community}`, a.resident)).html).toContain(
      "义诊通知",
    );
    const appts = await page(`${portal}/appointments?centre=${community}`, a.resident);
    const slotId = /name="slotId" value="([^"]+)"/.exec(appts.html)?.[1] ?? "";
    const booked = await post(`${portal}/appointments/book`, a.resident, {
      slotId,
      residentName: "赵六",
      phone: "13900000000",
    });
    expect(booked.status).toBe(303);
    const list = await page(`${console}/slots/${slotId}`, a.street0);
    expect(list.html).toContain("赵六");
    const mine = await page(`${portal}/appointments`, a.resident);
    const bookingId = /name="bookingId" value="([^"]+)"/.exec(mine.html)?.[1] ?? "";
    expect((await post(`${portal}/appointments/cancel`, a.neighbour, { bookingId })).status).toBe(
      404,
    );
    expect((await post(`${portal}/appointments/cancel`, a.resident, { bookingId })).status).toBe(
      303,
    );
  });
});
