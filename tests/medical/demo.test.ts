import type { Database } from "@zhengyun/db";
import { seedDemoMedical } from "@zhengyun/demo/medical";
import { clearingStatement, listInstitutions, searchPersons } from "@zhengyun/medical-insurance";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";

describe.each(drivers())("medical demo data on %s", (driver) => {
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let tenant: Tenant;

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    tenants = tenantFactory(db);
    tenant = await tenants.create();
  });
  afterAll(async () => {
    await tenants.cleanup();
    await db.close();
  });

  it("seeds parameters, institutions of each level, persons and settlements, once", async () => {
    const now = new Date("2026-06-15T00:00:00Z");
    await seedDemoMedical(db, tenant, now);
    await seedDemoMedical(db, tenant, now);
    const ctx = { db, tenant };
    const levels = new Set((await listInstitutions(ctx)).map((i) => i.level));
    expect([...levels].sort()).toEqual(["1", "2", "3", "community"]);
    expect((await searchPersons(ctx, "王", 200)).length).toBeGreaterThan(0);
    let settled = 0;
    for (const m of ["01", "02", "03", "04", "05", "06"]) {
      for (const l of await clearingStatement(ctx, `2026-${m}`)) settled += l.settlements;
    }
    expect(settled).toBeGreaterThan(250);
  });
});
