import {
  createContract,
  createPriceVersion,
  registerEquipment,
  runBilling,
  setTaxRate,
} from "@zhengyun/billing";
import { ManualClock, NotFoundError, ValidationError } from "@zhengyun/core";
import { type Database, query } from "@zhengyun/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, type Tenant, tenantFactory } from "../harness/index.ts";
import { openBillingDatabase, seedPrices } from "./setup.ts";

const clock = new ManualClock("2026-11-02T02:00:00Z");

describe.each(drivers())("billing refuses bad input on %s", (driver) => {
  let scratch: Awaited<ReturnType<typeof openBillingDatabase>>;
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let t: Tenant;

  /** Row counts of every billing table: a refusal must leave them all unchanged. */
  const counts = async () => {
    const tables = [
      "price_versions",
      "price_meter_rules",
      "tax_rates",
      "equipment",
      "invoices",
      "billing_runs",
      "contracts",
    ];
    const out: Record<string, number> = {};
    for (const name of tables) {
      const [r] = await query<{ n: string | number }>(
        db.orm,
        sql.raw(`select count(*) as n from platform.${name}`),
      );
      out[name] = Number(r?.n);
    }
    return out;
  };
  const refuses = async (
    fn: () => Promise<unknown>,
    kind: typeof ValidationError | typeof NotFoundError,
  ) => {
    const before = await counts();
    await expect(fn()).rejects.toBeInstanceOf(kind);
    expect(await counts()).toEqual(before);
  };

  beforeAll(async () => {
    scratch = await openBillingDatabase(driver);
    db = scratch.db;
    tenants = tenantFactory(db);
    await seedPrices(db);
    t = await tenants.create();
    await createContract(db, {
      tenant: t.slug,
      startsOn: "2026-01-01",
      modules: [{ module: "portal" }],
    });
  });
  afterAll(async () => {
    await tenants.cleanup();
    await scratch.drop();
  });

  it("refuses malformed and unended periods", async () => {
    await refuses(() => runBilling(db, { period: "2026-13", clock }), ValidationError);
    await refuses(() => runBilling(db, { period: "26-10", clock }), ValidationError);
    // November is not over on 2 November.
    await refuses(() => runBilling(db, { period: "2026-11", clock }), ValidationError);
  });

  it("answers an unknown tenant with not found", async () => {
    await refuses(
      () => runBilling(db, { period: "2026-10", clock, tenant: "no-such-tenant" }),
      NotFoundError,
    );
    await refuses(
      () =>
        createContract(db, {
          tenant: "no-such-tenant",
          startsOn: "2026-01-01",
          modules: [{ module: "portal" }],
        }),
      NotFoundError,
    );
  });

  it("refuses a negative price, an unknown module and overlapping versions", async () => {
    const base = {
      module: "community",
      effectiveFrom: "2027-01-01",
      rental: { city: 1, district: 1, street: 1 },
    };
    await refuses(
      () => createPriceVersion(db, { ...base, rental: { city: -1, district: 1, street: 1 } }),
      ValidationError,
    );
    await refuses(
      () =>
        createPriceVersion(db, {
          ...base,
          meters: [{ meter: "sms.sent", model: "per_unit", unitPriceFen: "-3" }],
        }),
      ValidationError,
    );
    await refuses(
      () => createPriceVersion(db, { ...base, module: "no_such_module" }),
      ValidationError,
    );
    // The seeded community version is open-ended from 2026-01-01.
    await refuses(() => createPriceVersion(db, base), ValidationError);
    await refuses(
      () => setTaxRate(db, { category: "it_services", rateBp: 900, effectiveFrom: "2027-01-01" }),
      ValidationError,
    );
  });

  it("refuses a renewal cycle of zero months", async () => {
    const item = {
      tenant: t.slug,
      item: "自助服务终端",
      serial: "T-ZERO",
      location: "街道中心",
      acquisitionCostFen: 100,
      residualValueFen: 0,
      installedOn: "2026-10-01",
    };
    await refuses(() => registerEquipment(db, { ...item, renewalCycleMonths: 0 }), ValidationError);
    await refuses(
      () => registerEquipment(db, { ...item, renewalCycleMonths: 12, residualValueFen: 200 }),
      ValidationError,
    );
    await refuses(
      () => registerEquipment(db, { ...item, renewalCycleMonths: 12, acquisitionCostFen: -5 }),
      ValidationError,
    );
  });
});
