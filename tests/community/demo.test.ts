import { csCentres, csNotices, csRequests, csServices, csSlots } from "@zhengyun/community";
import type { Database } from "@zhengyun/db";
import { seedDemoCommunity } from "@zhengyun/demo/community";
import { withTenant } from "@zhengyun/tenancy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";

describe.each(drivers())("community demo data on %s", (driver) => {
  let db: Database;
  let factory: ReturnType<typeof tenantFactory>;
  let tenant: Tenant;

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    factory = tenantFactory(db);
    tenant = await factory.create({ level: "district", name: "东城区" });
  });
  afterAll(async () => {
    await factory.cleanup();
    await db.close();
  });

  it("seeds a tree to communities, a catalogue, requests in every state, notices and slots; once", async () => {
    await seedDemoCommunity(db, [tenant]);
    const snapshot = () =>
      withTenant(db, tenant, async (tx) => ({
        centres: await tx.select().from(csCentres),
        services: await tx.select().from(csServices),
        requests: await tx.select().from(csRequests),
        notices: await tx.select().from(csNotices),
        slots: await tx.select().from(csSlots),
      }));
    const first = await snapshot();
    expect(new Set(first.centres.map((c) => c.level))).toEqual(
      new Set(["district", "street", "community"]),
    );
    expect(first.services.some((s) => s.attributes.length > 0)).toBe(true);
    expect(new Set(first.requests.map((r) => r.state))).toEqual(
      new Set(["received", "dispatched", "in_progress", "replied", "closed"]),
    );
    expect(first.requests.some((r) => r.escalations > 0)).toBe(true);
    expect(first.requests.some((r) => r.rating !== null)).toBe(true);
    expect(first.notices.length).toBeGreaterThan(0);
    expect(first.slots.length).toBeGreaterThan(0);
    await seedDemoCommunity(db, [tenant]);
    expect((await snapshot()).requests.length).toBe(first.requests.length);
  });
});
