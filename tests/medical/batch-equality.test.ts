import type { Database } from "@zhengyun/db";
import {
  type MiCtx,
  type MiPerson,
  miAccumulators,
  miPersons,
  miSettlements,
  recordContribution,
  settle,
  settleBatch,
} from "@zhengyun/medical-insurance";
import { withTenant } from "@zhengyun/tenancy";
import { inArray, like } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, openTestDatabase, tenantFactory } from "../harness/index.ts";
import { employee, INSTITUTIONS, resident, setupMedical } from "./helpers.ts";

const AMOUNTS = [
  "admissionNo",
  "medfeeSumamt",
  "fulamtOwnpayAmt",
  "preselfpayAmt",
  "inscpScpAmt",
  "actPayDedc",
  "hifpPay",
  "acctPay",
  "psnCashPay",
  "fundPaySumamt",
  "psnPartAmt",
] as const;

const claimArb = fc.record({
  who: fc.integer({ min: 0, max: 5 }),
  byNationalId: fc.boolean(),
  institutionCode: fc.constantFrom(...Object.values(INSTITUTIONS)),
  visitType: fc.constantFrom("outpatient" as const, "inpatient" as const),
  date: fc.constantFrom("2026-03-01", "2026-03-02", "2026-03-03"),
  useAccount: fc.boolean(),
  items: fc.array(
    fc.record({
      code: fc.constant("X"),
      class: fc.constantFrom("甲" as const, "乙" as const, "丙" as const),
      quantity: fc.integer({ min: 1, max: 3000 }).map((q) => q / 1000),
      unitPrice: fc.integer({ min: 0, max: 8_000_000 }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
});

describe.each(drivers())("batch path equals the single path on %s", (driver) => {
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let ctx: MiCtx;

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    tenants = tenantFactory(db);
    // A low ceiling so that claims cross it; no review sampling (it depends on the random id).
    ctx = await setupMedical(db, await tenants.create(), {
      ceiling: 3_000_000,
      review: { sampleBp: 0, amountThreshold: 0 },
    });
  });
  afterAll(async () => {
    await tenants.cleanup();
    await db.close();
  });

  /** Six persons of every kind with some personal-account money. */
  async function people(): Promise<MiPerson[]> {
    const ps = [
      await employee(ctx),
      await employee(ctx, "retired"),
      await resident(ctx),
      await employee(ctx),
      await resident(ctx),
      await employee(ctx, "retired"),
    ];
    for (const p of ps) {
      await recordContribution(ctx, {
        personId: p.id,
        period: p.scheme === "310" ? "2026-02" : "2026",
        ...(p.scheme === "310" ? { declaredBase: 900000 } : {}),
      });
    }
    return ps;
  }

  it("settles the same claims in batch (several chunks and lanes) and one by one: every amount, accumulator and balance is equal", async () => {
    const [a, b] = [await people(), await people()];
    const claims = fc.sample(claimArb, { numRuns: 60, seed: 8 });
    const tag = `eq${Date.now().toString(36)}`;
    const claim = (ps: MiPerson[], side: string, i: number) => {
      const { who, byNationalId, ...c } = claims[i] as (typeof claims)[number];
      const p = ps[who] as MiPerson;
      return {
        ...c,
        ...(byNationalId ? { nationalId: p.nationalId } : { personId: p.id }),
        externalRef: `${tag}-${side}-${i}`,
      };
    };
    const jsonl = claims.map((_, i) => JSON.stringify(claim(a, "a", i))).join("\n");
    const report = await settleBatch(ctx, jsonl, "jsonl", { chunkSize: 7, lanes: 3 });
    expect(report).toMatchObject({ lines: 60, settled: 60, rejected: 0, errors: [] });
    for (let i = 0; i < claims.length; i++) await settle(ctx, claim(b, "b", i));

    const rows = await withTenant(db, ctx.tenant, (tx) =>
      tx
        .select()
        .from(miSettlements)
        .where(like(miSettlements.externalRef, `${tag}-%`)),
    );
    const byRef = new Map(rows.map((r) => [r.externalRef, r]));
    let fund = 0;
    for (let i = 0; i < claims.length; i++) {
      const [x, y] = [byRef.get(`${tag}-a-${i}`), byRef.get(`${tag}-b-${i}`)];
      if (!x || !y) throw new Error(`claim ${i} was not settled both ways`);
      const pick = (s: typeof x) => Object.fromEntries(AMOUNTS.map((k) => [k, s[k]]));
      expect({ claim: i, ...pick(x) }).toEqual({ claim: i, ...pick(y) });
      expect(x.personId).toBe(a[claims[i]?.who as number]?.id);
      expect(x).toMatchObject({ batchId: report.batchId, settledBy: "usr_test" });
      fund += x.fundPaySumamt;
    }
    expect(report.fundPaySumamt).toBe(fund);

    const state = (ps: MiPerson[]) =>
      withTenant(db, ctx.tenant, async (tx) => {
        const ids = ps.map((p) => p.id);
        const [persons, accs] = await Promise.all([
          tx.select().from(miPersons).where(inArray(miPersons.id, ids)),
          tx.select().from(miAccumulators).where(inArray(miAccumulators.personId, ids)),
        ]);
        return ps.map((p) => ({
          balance: persons.find((r) => r.id === p.id)?.accountBalance,
          accs: accs
            .filter((r) => r.personId === p.id)
            .map(({ personId: _, ...r }) => r)
            .sort((m, n) => m.year - n.year),
        }));
      });
    const [sa, sb] = [await state(a), await state(b)];
    expect(sa).toEqual(sb);
    // The claims exercise the limits: a ceiling reached inside the file, an account drawn on.
    expect(sa.some((s) => s.accs.some((x) => x.fundPaid === 3_000_000))).toBe(true);
    expect(rows.some((r) => r.acctPay > 0)).toBe(true);
  });

  it("a batch running while single settlements hit the same persons never double-spends the ceiling", async () => {
    const ps = await people();
    const big = (i: number, p: MiPerson) => ({
      personId: p.id,
      institutionCode: INSTITUTIONS["3"],
      visitType: "inpatient" as const,
      date: "2026-04-01",
      items: [{ code: "X", class: "A" as const, quantity: 1, unitPrice: 700_000 + i }],
    });
    const jsonl = Array.from({ length: 120 }, (_, i) =>
      JSON.stringify(big(i, ps[i % ps.length] as MiPerson)),
    ).join("\n");
    const singles = Array.from({ length: 30 }, (_, i) =>
      settle(ctx, big(1000 + i, ps[i % ps.length] as MiPerson)),
    );
    const [report, ...done] = await Promise.all([
      settleBatch(ctx, jsonl, "jsonl", { chunkSize: 10 }),
      ...singles,
    ]);
    expect(report.settled).toBe(120);
    expect(done).toHaveLength(30);
    const rows = await withTenant(db, ctx.tenant, async (tx) => ({
      setl: await tx
        .select()
        .from(miSettlements)
        .where(
          inArray(
            miSettlements.personId,
            ps.map((p) => p.id),
          ),
        ),
      accs: await tx
        .select()
        .from(miAccumulators)
        .where(
          inArray(
            miAccumulators.personId,
            ps.map((p) => p.id),
          ),
        ),
    }));
    for (const p of ps) {
      const mine = rows.setl.filter((s) => s.personId === p.id && s.year === 2026);
      const acc = rows.accs.find((r) => r.personId === p.id && r.year === 2026);
      const paid = mine.reduce((n, s) => n + s.fundPaySumamt, 0);
      // Accumulators equal the sum of what was settled, the ceiling holds, and every admission
      // got its own number (no two settlements saw the same year-to-date state).
      expect(acc?.fundPaid).toBe(paid);
      expect(paid).toBeLessThanOrEqual(3_000_000);
      const nos = mine.map((s) => s.admissionNo).sort((m, n) => (m ?? 0) - (n ?? 0));
      expect(nos).toEqual(Array.from({ length: mine.length }, (_, i) => i + 1));
      expect(acc?.admissions).toBe(mine.length);
    }
  });
});
