import { gunzipSync } from "node:zlib";
import { createContract, listEquipment, subscribe } from "@zhengyun/billing";
import { ManualClock } from "@zhengyun/core";
import { type Database, platformSchema, query } from "@zhengyun/db";
import { findTenantBySlug } from "@zhengyun/tenancy";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBillingDatabase, seedPrices } from "../billing/setup.ts";
import { identityFactory } from "../harness/identity.ts";
import { drivers, randomSlug, type Tenant, tenantFactory } from "../harness/index.ts";
import { startStore } from "../tenancy/support.ts";
import { Browser, userIdByEmail, webApp } from "./helpers.ts";

describe.each(drivers())("vendor tenant operations on %s", (driver) => {
  let scratch: Awaited<ReturnType<typeof openBillingDatabase>>;
  let db: Database;
  let store: Awaited<ReturnType<typeof startStore>>;
  let tenants: ReturnType<typeof tenantFactory>;
  let ids: ReturnType<typeof identityFactory>;
  const clock = new ManualClock("2026-11-02T02:00:00Z");
  let t: Tenant;
  let browser: Browser;

  beforeAll(async () => {
    scratch = await openBillingDatabase(driver);
    db = scratch.db;
    store = await startStore();
    tenants = tenantFactory(db);
    ids = identityFactory(db, clock);
    await seedPrices(db);
    t = await tenants.create({ name: "运维测试区" });
    await createContract(db, {
      tenant: t.slug,
      startsOn: "2026-01-01",
      modules: [{ module: "portal" }],
    });
    await subscribe(db, { tenant: t.slug, module: "portal", startsOn: "2026-09-01" });
    const op = await ids.create({ role: "operator", tenantId: null });
    browser = new Browser(webApp(db, clock, {}, store.store));
    browser.cookies.set("zy_session", await ids.signInStaff(op.email, null));
  });

  afterAll(async () => {
    await ids.cleanup([t.id]);
    await tenants.cleanup();
    await store.close();
    await scratch.drop();
  });

  it("lists modules from subscriptions and migration status for the page's tenants", async () => {
    const html = await (await browser.get(`/console/tenants?q=${t.slug}`)).text();
    expect(html).toContain("运维测试区");
    expect(html).toContain("portal");
    expect(html).toMatch(/(\d+)\/\1 已是最新/);
  });

  it("registers the onboarding wizard's equipment, refusing a bad item before provisioning", async () => {
    const slug = randomSlug("eqp");
    const email = `admin-${slug}@example.test`;
    const form = {
      name: "设备新区",
      slug,
      level: "street",
      domains: "",
      adminEmail: email,
      eq_item: "自助终端",
      eq_serial: `SN-${slug}`,
      eq_location: "一楼大厅",
      eq_cost: "1200000",
      eq_residual: "1300000",
      eq_installedOn: "2026-11-01",
      eq_cycle: "36",
    };
    const bad = await browser.post("/console/tenants/new", form);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('id="f-eq_residual-err"');
    expect(await findTenantBySlug(db, slug)).toBeUndefined();

    expect((await browser.post("/console/tenants/new", { ...form, eq_residual: "0" })).status).toBe(
      200,
    );
    const made = await findTenantBySlug(db, slug);
    if (made) tenants.track(made);
    const adminId = await userIdByEmail(db, email);
    if (adminId) await ids.track(adminId);
    const items = await listEquipment(db, slug);
    expect(items.map((e) => [e.serial, e.acquisitionCostFen])).toEqual([[`SN-${slug}`, 1_200_000]]);
    await db.orm
      .delete(platformSchema.equipment)
      .where(eq(platformSchema.equipment.serial, `SN-${slug}`));
  });

  it("offboards after the slug is typed, audits it and serves the export archive", async () => {
    expect((await browser.get(`/console/tenants/${t.slug}/offboard`)).status).toBe(200);
    const wrong = await browser.post(`/console/tenants/${t.slug}/offboard`, {
      confirmSlug: "nope",
    });
    expect(wrong.status).toBe(400);
    expect((await findTenantBySlug(db, t.slug))?.status).toBe("active");

    const done = await browser.post(`/console/tenants/${t.slug}/offboard`, { confirmSlug: t.slug });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain(`/console/tenants/${t.slug}/export`);
    expect((await findTenantBySlug(db, t.slug))?.status).toBe("offboarded");

    const archive = await browser.get(`/console/tenants/${t.slug}/export`);
    expect(archive.status).toBe(200);
    expect(archive.headers.get("content-type")).toBe("application/gzip");
    expect(gunzipSync(new Uint8Array(await archive.arrayBuffer())).length).toBeGreaterThan(0);

    const log = await query<{ action: string }>(
      db.orm,
      sql`select action from platform.audit_log where object_id = ${t.id} order by seq`,
    );
    expect(log.map((r) => r.action)).toContain("tenant.offboard");
  });
});
