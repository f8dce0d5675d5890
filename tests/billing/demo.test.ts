import { runBilling } from "@zhengyun/billing";
import { ManualClock } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import { seedDemoBilling } from "@zhengyun/demo/billing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, type Tenant, tenantFactory } from "../harness/index.ts";
import { openBillingDatabase } from "./setup.ts";

describe.each(drivers())("demo billing on %s", (driver) => {
  let scratch: Awaited<ReturnType<typeof openBillingDatabase>>;
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let city: Tenant;
  let street: Tenant;

  beforeAll(async () => {
    scratch = await openBillingDatabase(driver);
    db = scratch.db;
    tenants = tenantFactory(db);
    city = await tenants.create({ level: "city" });
    street = await tenants.create({ level: "street" });
    await seedDemoBilling(db, [city, street]);
    await seedDemoBilling(db, [city, street]);
  });
  afterAll(async () => {
    await tenants.cleanup();
    await scratch.drop();
  });

  it("drafts rental for every module and terminal renewal fees for the previous month", async () => {
    const r = await runBilling(db, {
      period: "2026-10",
      clock: new ManualClock("2026-11-01T00:00:00Z"),
    });
    expect(r.drafts.map((d) => d.tenant).sort()).toEqual([city.slug, street.slug].sort());
    const cityDraft = r.drafts.find((d) => d.tenant === city.slug);
    expect(cityDraft?.lines.filter((l) => l.kind === "rental").map((l) => l.amount_fen)).toEqual([
      2_000_000, 5_000_000, 3_000_000,
    ]);
    // Three terminals at (48,000 − 6,000) ÷ 36 = ¥1,166.67 a month each.
    expect(cityDraft?.lines.filter((l) => l.kind === "equipment").map((l) => l.amount_fen)).toEqual(
      [116_667, 116_667, 116_667],
    );
    const streetDraft = r.drafts.find((d) => d.tenant === street.slug);
    expect(streetDraft?.lines.filter((l) => l.kind === "equipment")).toHaveLength(1);
  });
});
