import {
  addCharge,
  changePriceLevel,
  checkQuotas,
  createContract,
  registerEquipment,
  retireEquipment,
  runBilling,
  subscribe,
  unsubscribe,
} from "@zhengyun/billing";
import { ManualClock } from "@zhengyun/core";
import { type Database, platformSchema, tenantSchema } from "@zhengyun/db";
import { ingestEvents } from "@zhengyun/metering";
import { withTenant } from "@zhengyun/tenancy";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, type Tenant, tenantFactory } from "../harness/index.ts";
import { openBillingDatabase, seedPrices } from "./setup.ts";

const { invoices, invoiceLines } = platformSchema;
const clock = new ManualClock("2026-11-02T02:00:00Z");
const MODULES = ["portal", "medical_insurance", "community"].map((module) => ({ module }));

describe.each(drivers())("billing run scenarios on %s", (driver) => {
  let scratch: Awaited<ReturnType<typeof openBillingDatabase>>;
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let a: Tenant;
  let b: Tenant;
  let c: Tenant;

  const run = (tenant?: string) =>
    runBilling(db, { period: "2026-10", clock, ...(tenant ? { tenant } : {}) });
  const draftOf = async (t: Tenant) => (await run()).drafts.find((d) => d.tenant === t.slug);
  const linesOf = (id: string) =>
    db.orm
      .select()
      .from(invoiceLines)
      .where(eq(invoiceLines.invoiceId, id))
      .orderBy(invoiceLines.position);
  const usage = (t: Tenant, meter: string, n: number, day: string, prefix = meter) =>
    ingestEvents(
      db,
      {
        tenantId: t.id,
        events: [{ id: `${prefix}-${day}`, meter, quantity: n, time: `${day}T04:00:00Z` }],
      },
      { clock, lateWindowDays: 400 },
    );

  beforeAll(async () => {
    scratch = await openBillingDatabase(driver);
    db = scratch.db;
    tenants = tenantFactory(db);
    await seedPrices(db);
    [a, b, c] = [await tenants.create(), await tenants.create(), await tenants.create()];
    for (const t of [a, b, c]) {
      await createContract(db, { tenant: t.slug, startsOn: "2026-01-01", modules: MODULES });
    }
    // a: portal from the 11th (mid-month), a terminal installed the 11th, another retired the 21st.
    await subscribe(db, { tenant: a.slug, module: "portal", startsOn: "2026-10-11" });
    await registerEquipment(db, {
      tenant: a.slug,
      item: "自助服务终端",
      serial: `T-${a.slug}-1`,
      location: "东华门街道政务服务中心",
      acquisitionCostFen: 3_600_000,
      residualValueFen: 600_000,
      installedOn: "2026-10-11",
      renewalCycleMonths: 36,
    });
    const old = await registerEquipment(db, {
      tenant: a.slug,
      item: "自助服务终端",
      serial: `T-${a.slug}-0`,
      location: "景山街道政务服务中心",
      acquisitionCostFen: 3_600_000,
      residualValueFen: 600_000,
      installedOn: "2026-01-01",
      renewalCycleMonths: 36,
    });
    await retireEquipment(db, { tenant: a.slug, id: old.id, retiredOn: "2026-10-21" });
    // Exactly the end of tier 1: 1000 included + 1000 at 2 fen.
    await usage(a, "api.requests", 1200, "2026-10-12");
    await usage(a, "api.requests", 800, "2026-10-20");
    await addCharge(db, {
      tenant: a.slug,
      kind: "adjustment",
      description: "调整",
      amountFen: 25,
      chargeOn: "2026-10-15",
      reason: "tax rounding edge: 25 × 6% = 1.5",
    });
    // b: community since September, upgraded from district to city tier on the 16th.
    await subscribe(db, { tenant: b.slug, module: "community", startsOn: "2026-09-01" });
    await changePriceLevel(db, {
      tenant: b.slug,
      module: "community",
      on: "2026-10-16",
      priceLevel: "city",
    });
    await usage(b, "mi.settlements", 5, "2026-10-03");
    // c: portal since September, cancelled from the 21st; api usage one past the tier boundary.
    await subscribe(db, { tenant: c.slug, module: "portal", startsOn: "2026-09-01" });
    await unsubscribe(db, { tenant: c.slug, module: "portal", endsOn: "2026-10-21" });
    await usage(c, "api.requests", 2001, "2026-10-05");
  });
  afterAll(async () => {
    await tenants.cleanup();
    await scratch.drop();
  });

  it("prorates a subscription starting mid-month and prices tiers up to the boundary", async () => {
    const d = await draftOf(a);
    const kinds = d?.lines.map((l) => [l.kind, l.amount_fen, l.tax_fen]);
    expect(kinds).toEqual([
      // 310000 − round(310000 × 10 ÷ 31) = 310000 − 100000, tax 6%.
      ["rental", 210_000, 12_600],
      // api.requests: 2000 − 1000 included, all in the first tier at 2 fen.
      ["usage", 2_000, 120],
      // portal.applications: nothing used, shown with its allowance.
      ["usage", 0, 0],
      // Retired the 21st (serial …-0 sorts first): round(83333.3̅ × 20 ÷ 31) = round(53763.44).
      ["equipment", 53_763, 6_989],
      // Installed the 11th: round(83333.3̅) − round(83333.3̅ × 10 ÷ 31) = 83333 − 26882; 13%.
      ["equipment", 56_451, 7_339],
      // 25 × 6% = 1.5 rounds half up to 2.
      ["adjustment", 25, 2],
    ]);
    expect(d?.subtotal_fen).toBe(210_000 + 2_000 + 56_451 + 53_763 + 25);
    expect(d?.tax_fen).toBe(12_600 + 120 + 7_339 + 6_989 + 2);
    expect(d?.total_fen).toBe((d?.subtotal_fen ?? 0) + (d?.tax_fen ?? 0));
  });

  it("splits an upgraded month into pieces that add up exactly", async () => {
    const d = await draftOf(b);
    const rental = d?.lines.filter((l) => l.kind === "rental").map((l) => l.amount_fen);
    // district 15 days: round(500000 × 15 ÷ 31); city 16 days: 800000 − round(800000 × 15 ÷ 31).
    expect(rental).toEqual([241_935, 412_903]);
    // mi.settlements is priced only with medical insurance, which b does not rent.
    expect(d?.lines.some((l) => l.kind === "usage")).toBe(false);
  });

  it("stops a cancelled subscription and crosses a tier boundary by one unit", async () => {
    const d = await draftOf(c);
    expect(d?.lines.find((l) => l.kind === "rental")?.amount_fen).toBe(200_000);
    const api = (await linesOf(d?.invoice_id ?? "")).find((l) => l.meter === "api.requests");
    // 1001 billable: 1000 at 2 fen, 1 at 1 fen.
    expect(api?.amountFen).toBe(2_001);
    expect((api?.details as { tiers: unknown[] } | undefined)?.tiers).toHaveLength(2);
  });

  it("is deterministic and leaves issued invoices alone on a re-run", async () => {
    const first = await run();
    const again = await run();
    expect(again.drafts).toEqual(first.drafts);
    const issuedId = first.drafts.find((d) => d.tenant === c.slug)?.invoice_id ?? "";
    await db.orm
      .update(invoices)
      .set({ status: "issued", number: "INV-TEST-1" })
      .where(eq(invoices.id, issuedId));
    const before = await linesOf(issuedId);
    await addCharge(db, {
      tenant: c.slug,
      kind: "one_off",
      description: "培训",
      amountFen: 1_000,
      chargeOn: "2026-10-30",
    });
    const third = await run();
    expect(third.drafts.map((d) => d.tenant)).not.toContain(c.slug);
    expect(third.skipped).toEqual([{ tenant: c.slug, invoiceId: issuedId, status: "issued" }]);
    expect(await linesOf(issuedId)).toEqual(before);
    const [inv] = await db.orm.select().from(invoices).where(eq(invoices.id, issuedId));
    expect(inv?.status).toBe("issued");
    expect(third.drafts.find((d) => d.tenant === a.slug)).toEqual(
      first.drafts.find((d) => d.tenant === a.slug),
    );
  });

  it("flags modules added and late usage events", async () => {
    const flags = (await run()).flags;
    expect(flags[a.slug]?.map((f) => f.code)).toContain("modules_added");
    const { closeUsageThrough } = await import("@zhengyun/metering");
    await closeUsageThrough(db, b.id, new Date("2026-10-31T16:00:00Z"));
    await usage(b, "api.requests", 10, "2026-10-30", "late");
    const after = await run(b.slug);
    expect(after.flags[b.slug]?.map((f) => f.code)).toContain("late_events");
  });

  it("alerts the tenant admin once at 80% and once at 100% of the included allowance", async () => {
    await db.orm
      .insert(platformSchema.users)
      .values({ id: `usr_${a.slug}`, displayName: "管理员", email: `admin@${a.slug}.test` });
    await db.orm.insert(platformSchema.memberships).values({
      id: `mem_${a.slug}`,
      userId: `usr_${a.slug}`,
      tenantId: a.id,
      role: "tenant_admin",
    });
    const outbox = () =>
      withTenant(db, a, (tx) => tx.select().from(tenantSchema.notificationOutbox));
    // The month's rollups hold 2,000 calls against 1,000 included: both thresholds crossed.
    const mid = new ManualClock("2026-10-13T02:00:00Z");
    const first = await checkQuotas(db, { clock: mid, tenantIds: [a.id, b.id] });
    expect(first.map((x) => [x.meter, x.thresholdPct])).toEqual([
      ["api.requests", 80],
      ["api.requests", 100],
    ]);
    expect(await checkQuotas(db, { clock: mid, tenantIds: [a.id, b.id] })).toEqual([]);
    const sent = await outbox();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ channel: "email", recipient: `admin@${a.slug}.test` });
  });
});
