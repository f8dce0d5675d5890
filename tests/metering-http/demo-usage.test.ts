import { ManualClock } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import { DEMO_USAGE_DAYS, seedDemoUsage } from "@zhengyun/demo/usage";
import { usageSeries } from "@zhengyun/metering";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, type Tenant } from "../harness/index.ts";
import { countRows, dropUsage, setup } from "../metering/helpers.ts";

describe.each(drivers())("demo usage on %s", (driver) => {
  let db: Database;
  let cleanupTenants: () => Promise<void>;
  let city: Tenant;
  const clock = new ManualClock("2026-03-20T04:00:00Z");

  beforeAll(async () => {
    const s = await setup(driver);
    db = s.db;
    cleanupTenants = s.tenants.cleanup;
    city = await s.tenants.create({ level: "city" });
  });
  afterAll(async () => {
    await dropUsage(db, [city.id]);
    await cleanupTenants();
    await db.close();
  });

  it("gives four months of weekday-shaped daily usage, and seeding again changes nothing", async () => {
    const accepted = await seedDemoUsage(db, [city], clock);
    expect(accepted).toBeGreaterThan(3_000);
    expect(await seedDemoUsage(db, [city], clock)).toBe(0);
    expect(await countRows(db, "usage_events", city.id)).toBe(accepted);

    const series = (meter: string) =>
      usageSeries(db, {
        tenantId: city.id,
        meter,
        from: "2025-11-20",
        to: "2026-03-19",
        granularity: "day",
      });
    const apps = await series("portal.applications");
    expect(apps.points).toHaveLength(DEMO_USAGE_DAYS);
    // Every day has usage; a Monday is busier than the Sunday before it.
    expect(apps.points.every((p) => p.quantity > 0)).toBe(true);
    const day = (d: string) => apps.points.find((p) => p.start === d)?.quantity ?? 0;
    expect(day("2026-03-16")).toBeGreaterThan(day("2026-03-15"));
    for (const meter of ["mi.settlements", "cs.requests", "sms.sent", "api.requests"]) {
      expect((await series(meter)).total, meter).toBeGreaterThan(0);
    }
    expect((await series("terminal.transactions")).total).toBeGreaterThan(0);
    const storage = await series("storage.bytes");
    expect(storage.points.at(-1)?.quantity).toBeGreaterThan(storage.points[0]?.quantity ?? 0);
  });
});
