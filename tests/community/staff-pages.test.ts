import { csRequests, csRequestUpdates, noteText, rateRequest } from "@zhengyun/community";
import { type Database, tenantSchema } from "@zhengyun/db";
import { withTenant } from "@zhengyun/tenancy";
import { and, count, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HOME, type Town, town } from "../community-web/helpers.ts";
import { drivers, openTestDatabase, tenantFactory } from "../harness/index.ts";
import {
  adminApp,
  formClient,
  type People,
  req,
  type SignedIn,
  staffFactory,
} from "../http-admin/helpers.ts";

/** The flash message a redirect sets (URI-encoded by the page, then by the cookie). */
function flashOf(headers: Headers): string {
  let v = /zy_flash=([^;]*)/.exec(headers.get("set-cookie") ?? "")?.[1] ?? "";
  for (let prev = ""; prev !== v; ) [prev, v] = [v, decodeURIComponent(v)];
  return v;
}

// The phone/counter entry page and the localised request history.
describe.each(drivers())("community staff entry and history pages on %s", (driver) => {
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let people: People;
  let app: ReturnType<typeof adminApp>;
  let a: Town;
  let b: Town;
  const consoleOf = (t: Town) => `/t/${t.tenant.slug}/console/community`;
  const forms = formClient(() => app);
  const { page } = forms;
  const post = async (path: string, who: SignedIn, form: Record<string, string>) => {
    const answer = await forms.post(path, who, form);
    return { ...answer, flash: flashOf(answer.headers) };
  };
  const counts = (t: Town) =>
    withTenant(db, t.tenant, async (tx) => ({
      requests: (await tx.select({ n: count() }).from(csRequests))[0]?.n,
      audit: (await tx.select({ n: count() }).from(tenantSchema.auditLog))[0]?.n,
    }));
  const entry = {
    serviceCode: "ROAD01",
    channel: "counter",
    name: "王大妈",
    phone: "13800000001",
    description: "楼下路面塌陷",
    "attribute[SIZE]": "L",
    lat: String(HOME.lat),
    long: String(HOME.long),
  };

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

  it("an agent enters a counter request for a resident: channel, contact and audit recorded", async () => {
    const intake = `${consoleOf(a)}/intake`;
    const step1 = await page(`${intake}?lang=en`, a.street0);
    expect(step1.status).toBe(200);
    expect(step1.html).toContain("Continue");
    const step2 = await page(`${intake}?service=ROAD01&lang=en`, a.street0);
    expect(step2.html).toContain("How big is it?");
    expect(step2.html).toContain("Received by");
    expect(step2.html).toContain('<option value="counter"');
    expect((await page(`${intake}?service=ROAD01`, a.street0)).html).toContain("受理渠道");

    const before = await counts(a);
    // No phone, no answer to the required question, a channel staff cannot claim.
    for (const bad of [
      { ...entry, phone: "" },
      { ...entry, phone: "call me" },
      { ...entry, "attribute[SIZE]": "" },
      { ...entry, channel: "web" },
      { ...entry, lat: "north" },
      { ...entry, lat: "", long: "" },
    ]) {
      const res = await post(intake, a.street0, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.html).toContain('class="error-text"');
      expect(res.html).toContain("楼下路面塌陷");
    }
    expect(await counts(a)).toEqual(before);

    const done = await post(intake, a.street0, entry);
    expect(done.status).toBe(303);
    expect(done.location).toBe(intake);
    const [row] = await withTenant(db, a.tenant, (tx) =>
      tx.select().from(csRequests).orderBy(desc(csRequests.id)).limit(1),
    );
    expect(row).toMatchObject({
      channel: "counter",
      contact: { phone: "13800000001", name: "王大妈" },
      attributes: { SIZE: "L" },
      centreId: a.tree.communities[0]?.id,
    });
    expect(done.flash).toContain(String(row?.id));
    expect(done.flash).toContain(row?.token ?? "?");
    const [audit] = await withTenant(db, a.tenant, (tx) =>
      tx
        .select()
        .from(tenantSchema.auditLog)
        .where(
          and(
            eq(tenantSchema.auditLog.action, "cs.request.create"),
            eq(tenantSchema.auditLog.objectId, String(row?.id)),
          ),
        ),
    );
    expect(audit).toMatchObject({ actorId: a.street0.id, data: { channel: "counter" } });
    // Not someone's web request: no resident sees it among their own.
    expect((await page(`/t/${a.tenant.slug}/community`, a.resident)).html).not.toContain(
      `requests/${row?.id}"`,
    );
    const shown = await page(`${consoleOf(a)}/requests/${row?.id}?lang=en`, a.street0);
    expect(shown.html).toContain("Counter");
  });

  it("other roles are refused (403), another tenant's agent does not find it (404)", async () => {
    const intake = `${consoleOf(a)}/intake`;
    const before = await counts(a);
    for (const who of [a.resident, a.admin]) {
      expect((await page(intake, who)).status).toBe(403);
      expect((await post(intake, who, entry)).status).toBe(403);
    }
    expect((await page(intake, b.street0)).status).toBe(404);
    expect((await post(intake, b.street0, entry)).status).toBe(404);
    expect((await page(intake)).status).toBe(303);
    expect(await counts(a)).toEqual(before);
    // The shell's navigation offers the page to the agent only.
    expect((await page(consoleOf(a), a.street0)).html).toContain(`${intake}`);
  });

  it("the JSON entry route takes phone and counter only, never a resident's account", async () => {
    const path = `/t/${a.tenant.slug}/api/v1/community/requests`;
    const body = {
      serviceCode: "PERMIT",
      channel: "phone",
      address: "示例路 9 号",
      contact: { phone: "010-1234567" },
    };
    const before = await counts(a);
    for (const bad of [
      { ...body, channel: "web" },
      { ...body, contact: { userId: a.resident.id } },
    ]) {
      const res = await app.request(path, req("POST", a.street0, bad));
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    expect(await counts(a)).toEqual(before);
    expect((await app.request(path, req("POST", a.street0, body))).status).toBe(201);
    expect((await app.request(path, req("POST", a.resident, body))).status).toBe(403);
  });

  it("renders the system's history notes in the reader's language", async () => {
    const done = await post(`${consoleOf(a)}/intake`, a.street0, entry);
    const id = Number(/诉求 (\d+)/.exec(done.flash)?.[1]);
    expect(id).toBeGreaterThan(0);
    const base = `${consoleOf(a)}/requests/${id}`;
    for (const to of ["dispatched", "in_progress", "replied"]) {
      expect((await post(`${base}/action`, a.street0, { to, note: `办理 ${to}` })).status).toBe(
        303,
      );
    }
    const [r] = await withTenant(db, a.tenant, (tx) =>
      tx.select().from(csRequests).where(eq(csRequests.id, id)),
    );
    await rateRequest({
      ctx: { db, tenant: a.tenant, clock: people.clock },
      input: { token: r?.token ?? "", rating: 4 },
    });
    // An Open311 client's comment: shown as written, labelled with the client's status.
    await withTenant(db, a.tenant, (tx) =>
      tx.insert(csRequestUpdates).values({
        requestId: id,
        state: "closed",
        note: "Still a hole",
        centreId: r?.centreId ?? "",
        at: people.clock.now(),
        externalId: "fms-9",
        clientStatus: "FIXED",
      }),
    );
    const centre = a.tree.communities[0]?.name ?? "";
    const en = await page(`${base}?lang=en`, a.street0);
    expect(en.html).toContain(`Received; assigned to ${centre}`);
    expect(en.html).toContain("Resident rating: 4/5");
    expect(en.html).toContain("办理 dispatched");
    expect(en.html).toContain("Open311 client update (FIXED): Still a hole");
    const zh = await page(`${base}?lang=zh-CN`, a.street0);
    expect(zh.html).toContain(`已受理，分派至${centre}`);
    expect(zh.html).toContain("居民评价：4/5");
    expect(zh.html).not.toContain("Received; assigned");

    // Stored as key and params; `note` keeps the zh-CN text for readers without the catalog.
    const rows = await withTenant(db, a.tenant, (tx) =>
      tx.select().from(csRequestUpdates).where(eq(csRequestUpdates.requestId, id)),
    );
    const received = rows.find((u) => u.noteKey === "history.received");
    expect(received).toMatchObject({ noteParams: { centre }, note: `已受理，分派至${centre}` });
    expect(received && noteText(received, "en")).toBe(`Received; assigned to ${centre}`);
    expect(rows.find((u) => u.noteKey === "history.rated")?.noteParams).toEqual({ rating: 4 });
  });
});
