import type { Database } from "@zhengyun/db";
import {
  type Accumulator,
  type ClaimInput,
  computeSettlement,
  emptyAccumulator,
  type LineItem,
  type MiCtx,
  miAccumulators,
  miSettlements,
  reverseSettlement,
  samplePolicy,
  settle,
} from "@zhengyun/medical-insurance";
import { withTenant } from "@zhengyun/tenancy";
import { asc, eq } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, openTestDatabase, tenantFactory } from "../harness/index.ts";
import { employee, INSTITUTIONS, setupMedical } from "./helpers.ts";

const item = fc.record({
  code: fc.constant("X"),
  class: fc.constantFrom("A" as const, "B" as const, "C" as const),
  quantity: fc.integer({ min: 1, max: 5000 }).map((q) => q / 1000),
  unitPrice: fc.integer({ min: 0, max: 30_000_000 }),
});
const items = fc.array(item, { minLength: 1, maxLength: 6 });
const claimArb = fc.record({
  items,
  level: fc.constantFrom("community" as const, "1" as const, "2" as const, "3" as const),
  visit: fc.constantFrom("outpatient" as const, "inpatient" as const),
  employment: fc.constantFrom("in_service" as const, "retired" as const),
  account: fc.integer({ min: 0, max: 1_000_000 }),
});

type ClaimCase = typeof claimArb extends fc.Arbitrary<infer T> ? T : never;

describe("settlement engine properties", () => {
  const policy = samplePolicy("310");

  it("parts always add up to the total, and the fund never pays beyond the ceiling", () => {
    fc.assert(
      fc.property(fc.array(claimArb, { minLength: 1, maxLength: 12 }), (claims) => {
        let acc: Accumulator = emptyAccumulator();
        let paid = 0;
        for (const c of claims) {
          const r = computeSettlement(c.items as LineItem[], {
            policy,
            level: c.level,
            visitType: c.visit,
            employment: c.employment,
            acc,
            accountAvailable: c.account,
          });
          expect(r.fulamt_ownpay_amt + r.preselfpay_amt + r.inscp_scp_amt).toBe(r.medfee_sumamt);
          expect(r.fund_pay_sumamt + r.psn_part_amt).toBe(r.medfee_sumamt);
          expect(r.acct_pay + r.psn_cash_pay).toBe(r.psn_part_amt);
          for (const v of Object.values(r).filter((x) => typeof x === "number")) {
            expect(Number.isSafeInteger(v) && v >= 0).toBe(true);
          }
          expect(r.act_pay_dedc).toBeLessThanOrEqual(r.inscp_scp_amt);
          expect(r.after.outpatientDedcUsed).toBeLessThanOrEqual(policy.outpatient.deductible);
          paid += r.hifp_pay;
          acc = r.after;
        }
        expect(paid).toBe(acc.fundPaid);
        expect(paid).toBeLessThanOrEqual(policy.ceiling);
      }),
      { numRuns: 300 },
    );
  });
});

describe.each(drivers())("accumulator properties on %s", (driver) => {
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let ctx: MiCtx;

  const toClaim = (personId: string, c: ClaimCase): ClaimInput => ({
    personId,
    institutionCode: INSTITUTIONS[c.level],
    visitType: c.visit,
    date: "2026-06-01",
    items: c.items,
  });
  const acc = (personId: string) =>
    withTenant(db, ctx.tenant, (tx) =>
      tx.select().from(miAccumulators).where(eq(miAccumulators.personId, personId)),
    );

  beforeAll(async () => {
    db = await openTestDatabase(driver, { max: 10 });
    tenants = tenantFactory(db);
    ctx = await setupMedical(db, await tenants.create());
  });
  afterAll(async () => {
    await tenants.cleanup();
    await db.close();
  });

  it("settle-then-reverse leaves the accumulators unchanged", async () => {
    const p = await employee(ctx);
    await fc.assert(
      fc.asyncProperty(claimArb, claimArb, async (history, probe) => {
        await settle(ctx, toClaim(p.id, history));
        const before = await acc(p.id);
        const s = await settle(ctx, toClaim(p.id, probe));
        await reverseSettlement(ctx, s.setl_id as string);
        expect(await acc(p.id)).toEqual(before);
      }),
      { numRuns: 15 },
    );
  });

  it("concurrent settlements for one person equal the same settlements one by one", async () => {
    const p = await employee(ctx);
    const claims = fc.sample(claimArb, 16).map((c) => ({ ...c, visit: "inpatient" as const }));
    await Promise.all(claims.map((c) => settle(ctx, toClaim(p.id, c))));
    // Admission numbers give the order the row lock serialised them in; replay it one by one.
    const rows = await withTenant(db, ctx.tenant, (tx) =>
      tx
        .select()
        .from(miSettlements)
        .where(eq(miSettlements.personId, p.id))
        .orderBy(asc(miSettlements.admissionNo)),
    );
    expect(rows.map((r) => r.admissionNo)).toEqual(claims.map((_, i) => i + 1));
    let a = emptyAccumulator();
    for (const row of rows) {
      const r = computeSettlement(row.items as LineItem[], {
        policy: samplePolicy("310"),
        level: levelOf(row.institutionCode),
        visitType: "inpatient",
        employment: "in_service",
        acc: a,
        accountAvailable: 0,
      });
      expect([row.actPayDedc, row.hifpPay, row.medfeeSumamt]).toEqual([
        r.act_pay_dedc,
        r.hifp_pay,
        r.medfee_sumamt,
      ]);
      a = r.after;
    }
    const [final] = await acc(p.id);
    expect(final).toMatchObject(a);
  });
});

const levelOf = (code: string) =>
  (Object.entries(INSTITUTIONS).find(([, c]) => c === code)?.[0] ?? "3") as "1";
