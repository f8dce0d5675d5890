import type { Database } from "@zhengyun/db";
import {
  applyArrears,
  clearingStatement,
  decideReview,
  getPersonRecord,
  importContributionsCsv,
  importPersonsCsv,
  listReviews,
  type MiCtx,
  recordContribution,
  settle,
  settleBatch,
} from "@zhengyun/medical-insurance";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, openTestDatabase, tenantFactory } from "../harness/index.ts";
import { employee, INSTITUTIONS, nextNationalId, resident, setupMedical } from "./helpers.ts";

const claimArb = fc.record({
  who: fc.integer({ min: 0, max: 3 }),
  institutionCode: fc.constantFrom(...Object.values(INSTITUTIONS)),
  visitType: fc.constantFrom("outpatient" as const, "inpatient" as const),
  date: fc.constantFrom("2026-02-01", "2026-02-02"),
  useAccount: fc.boolean(),
  items: fc.array(
    fc.record({
      code: fc.constant("X"),
      class: fc.constantFrom("甲" as const, "乙" as const, "丙" as const),
      quantity: fc.integer({ min: 1, max: 3000 }).map((q) => q / 1000),
      unitPrice: fc.integer({ min: 0, max: 20_000_000 }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
});

describe.each(drivers())("batch, review, imports on %s", (driver) => {
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let ctx: MiCtx;

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    tenants = tenantFactory(db);
    ctx = await setupMedical(db, await tenants.create(), {
      review: { sampleBp: 0, amountThreshold: 1_000_000 },
    });
  });
  afterAll(async () => {
    await tenants.cleanup();
    await db.close();
  });

  it("a JSON-lines batch settles exactly as the same claims one by one", async () => {
    const mk = async () => {
      const ps = [await employee(ctx), await employee(ctx, "retired"), await resident(ctx)];
      ps.push(await employee(ctx));
      for (const p of ps) {
        await recordContribution(ctx, {
          personId: p.id,
          period: p.scheme === "310" ? "2026-01" : "2026",
          ...(p.scheme === "310" ? { declaredBase: 900000 } : {}),
        });
      }
      return ps;
    };
    const [a, b] = [await mk(), await mk()];
    const claims = fc.sample(claimArb, 40);
    const jsonl = claims
      .map(({ who, ...c }) => JSON.stringify({ ...c, personId: a[who]?.id }))
      .join("\n");
    const report = await settleBatch(ctx, jsonl, "jsonl", { chunkSize: 7 });
    expect(report).toMatchObject({ lines: 40, settled: 40, rejected: 0 });
    let fund = 0;
    for (const { who, ...c } of claims) {
      fund += (await settle(ctx, { ...c, personId: b[who]?.id as string })).fund_pay_sumamt;
    }
    expect(report.fundPaySumamt).toBe(fund);
    for (let i = 0; i < a.length; i++) {
      const [ra, rb] = [
        await getPersonRecord(ctx, a[i]?.id as string),
        await getPersonRecord(ctx, b[i]?.id as string),
      ];
      const strip = (r: typeof ra) => ({
        balance: r.person.accountBalance,
        acc: r.accumulators.map(({ personId: _, ...x }) => x),
        amounts: r.settlements
          .map((s) => [s.visitDate, s.medfeeSumamt, s.actPayDedc, s.hifpPay, s.acctPay])
          .sort(),
      });
      expect(strip(ra)).toEqual(strip(rb));
    }
  });

  it("samples large claims for review; a rejection needs a coded reason and is withheld", async () => {
    const p = await employee(ctx);
    const big = await settle(ctx, {
      personId: p.id,
      institutionCode: INSTITUTIONS["1"],
      visitType: "inpatient",
      date: "2026-07-15",
      items: [{ code: "X", class: "A", quantity: 1, unitPrice: 2_000_000 }],
    });
    expect(big.review).toBe("amount");
    const queue = await listReviews(ctx);
    expect(queue.map((r) => r.settlementId)).toContain(big.setl_id);
    const id = big.setl_id as string;
    await expect(decideReview(ctx, id, { decision: "rejected" })).rejects.toMatchObject({
      code: "validation",
    });
    await decideReview(ctx, id, { decision: "rejected", reasonCode: "R02" });
    await expect(decideReview(ctx, id, { decision: "approved" })).rejects.toMatchObject({
      code: "conflict",
    });
    const [line] = (await clearingStatement(ctx, "2026-07")).filter(
      (l) => l.institutionCode === INSTITUTIONS["1"],
    );
    expect(line).toMatchObject({ rejectedFundPay: big.fund_pay_sumamt, payable: 0 });
  });

  it("imports persons and contributions from CSV with a row-level error report", async () => {
    const [n1, n2] = [nextNationalId("19700303"), nextNationalId("19910909")];
    const persons = await importPersonsCsv(
      ctx,
      [
        "national_id,name,scheme,employment,employer_code",
        `${n1},王五,310,in_service,EMP0001`,
        `${n2},赵六,390,,`,
        "110101197003030000,坏号,390,,",
        `${nextNationalId()},无单位,310,in_service,NOPE`,
        `${n1},重复,310,in_service,EMP0001`,
      ].join("\n"),
    );
    expect(persons).toMatchObject({ rows: 5, imported: 2, rejected: 3 });
    expect(persons.errors.map((e) => [e.line, e.errors[0]?.path])).toEqual([
      [4, "nationalId"],
      [5, "employerCode"],
      [6, ""],
    ]);
    const contributions = await importContributionsCsv(
      ctx,
      [
        "national_id,period,declared_base",
        `${n1},2026-01,100000`, // below 60% of the average wage: clamped up
        `${n1},2026,`,
        `${n2},2026,`,
      ].join("\n"),
    );
    expect(contributions).toMatchObject({ imported: 2, rejected: 1 });
    expect(contributions.errors[0]).toMatchObject({ line: 3, errors: [{ path: "period" }] });
  });

  it("suspends after the grace period and resumes on payment", async () => {
    const p = await employee(ctx);
    await recordContribution(ctx, { personId: p.id, period: "2026-01", declaredBase: 1000000 });
    // Covered through January 31; grace 90 days → still active on April 30, suspended on May 2.
    expect(await applyArrears(ctx, "2026-04-30")).toBe(0);
    expect(await applyArrears(ctx, "2026-05-02")).toBeGreaterThanOrEqual(1);
    expect((await getPersonRecord(ctx, p.id)).person.status).toBe("suspended");
    for (const m of ["02", "03", "04"]) {
      await recordContribution(ctx, {
        personId: p.id,
        period: `2026-${m}`,
        declaredBase: 1000000,
        paidOn: "2026-05-03",
      });
    }
    const r = await getPersonRecord(ctx, p.id);
    expect(r.person.status).toBe("active");
    expect(r.history.map((h) => h.status)).toEqual(["active", "suspended", "active"]);
    expect(r.contributions.find((c) => c.period === "2026-01")).toMatchObject({
      base: 1000000,
      employeeAmount: 20000,
      employerAmount: 98000,
    });
  });
});
