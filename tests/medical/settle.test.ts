import { type Database, query, tenantSchema } from "@zhengyun/db";
import {
  type ClaimInput,
  getPersonRecord,
  type MiCtx,
  miAccumulators,
  miSettlements,
  previewSettlement,
  recordContribution,
  reverseSettlement,
  setPersonStatus,
  settle,
} from "@zhengyun/medical-insurance";
import { withTenant } from "@zhengyun/tenancy";
import { count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, openTestDatabase, tenantFactory } from "../harness/index.ts";
import { employee, INSTITUTIONS, resident, setupMedical } from "./helpers.ts";

describe.each(drivers())("settlement on %s", (driver) => {
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let ctx: MiCtx;

  const claim = (personId: string, over: Partial<ClaimInput> = {}): ClaimInput => ({
    personId,
    institutionCode: INSTITUTIONS["3"],
    visitType: "inpatient",
    date: "2026-03-10",
    items: [{ code: "X001", class: "甲", quantity: 1, unitPrice: 500000 }],
    ...over,
  });
  const accOf = async (personId: string) =>
    (
      await withTenant(db, ctx.tenant, (tx) =>
        tx.select().from(miAccumulators).where(eq(miAccumulators.personId, personId)),
      )
    )[0];
  const countOf = (table: typeof miSettlements | typeof tenantSchema.usageOutbox) =>
    withTenant(db, ctx.tenant, async (tx) =>
      Number((await tx.select({ n: count() }).from(table))[0]?.n),
    );

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    tenants = tenantFactory(db);
    ctx = await setupMedical(db, await tenants.create());
  });
  afterAll(async () => {
    await tenants.cleanup();
    await db.close();
  });

  it("pre-settles without writing, then settles the same amounts with usage and audit", async () => {
    const p = await employee(ctx);
    const before = await countOf(tenantSchema.usageOutbox);
    const preview = await previewSettlement(ctx, claim(p.id));
    expect(preview).toMatchObject({
      status: "preview",
      setl_id: null,
      act_pay_dedc: 130000,
      hifp_pay: 314500,
    });
    expect(await accOf(p.id)).toBeUndefined();
    const done = await settle(ctx, claim(p.id));
    const { setl_id, status, ...amounts } = done;
    const { setl_id: _a, status: _b, ...previewAmounts } = preview;
    expect(amounts).toEqual(previewAmounts);
    expect(status).toBe("settled");
    expect(await accOf(p.id)).toMatchObject({
      inpatientDedcUsed: 130000,
      fundPaid: 314500,
      admissions: 1,
    });
    expect(await countOf(tenantSchema.usageOutbox)).toBe(before + 1);
    const audits = await withTenant(db, ctx.tenant, (tx) =>
      query<{ action: string }>(tx, sql`select action from audit_log where object_id = ${setl_id}`),
    );
    expect(audits.map((a) => a.action)).toEqual(["mi.settlement.create"]);
  });

  it("applies the halved deductible on the second admission", async () => {
    const p = await employee(ctx);
    await settle(ctx, claim(p.id));
    const second = await settle(ctx, claim(p.id, { date: "2026-05-01" }));
    expect(second).toMatchObject({ admission_no: 2, act_pay_dedc: 65000 });
  });

  it("reversal restores the accumulators and the account exactly; twice is a conflict", async () => {
    const p = await employee(ctx);
    await recordContribution(ctx, { personId: p.id, period: "2026-01", declaredBase: 1000000 });
    await settle(ctx, claim(p.id, { visitType: "outpatient", date: "2026-02-01" }));
    const acc0 = await accOf(p.id);
    const rec0 = await getPersonRecord(ctx, p.id);
    const s = await settle(ctx, claim(p.id, { useAccount: true }));
    expect(s.acct_pay).toBe(20000); // 2% of the ¥10,000 base, all credited to the account
    await reverseSettlement(ctx, s.setl_id as string);
    expect(await accOf(p.id)).toEqual(acc0);
    expect((await getPersonRecord(ctx, p.id)).person.accountBalance).toBe(
      rec0.person.accountBalance,
    );
    await expect(reverseSettlement(ctx, s.setl_id as string)).rejects.toMatchObject({
      code: "conflict",
    });
  });

  it("refuses a second settlement of the same external reference and keeps the first's totals", async () => {
    const p = await employee(ctx);
    const ref = `HIS-${driver}-${Date.now()}`;
    const first = await settle(ctx, claim(p.id, { externalRef: ref }));
    const acc = await accOf(p.id);
    const usage = await countOf(tenantSchema.usageOutbox);
    await expect(
      settle(ctx, claim(p.id, { externalRef: ref, date: "2026-06-01" })),
    ).rejects.toMatchObject({ code: "conflict" });
    expect(await accOf(p.id)).toEqual(acc);
    expect(await countOf(tenantSchema.usageOutbox)).toBe(usage);
    const audits = await withTenant(db, ctx.tenant, (tx) =>
      query<{ n: number }>(
        tx,
        sql`select count(*)::int as n from audit_log where action = 'mi.settlement.create'
          and data->>'personId' = ${p.id}`,
      ),
    );
    expect(audits[0]?.n).toBe(1);
    expect(first.status).toBe("settled");
  });

  it("a resident and an employee get their own scheme's parameters", async () => {
    const r = await resident(ctx);
    const e = await employee(ctx);
    const c = { visitType: "outpatient", institutionCode: INSTITUTIONS.community } as const;
    const items = [{ code: "X", class: "A" as const, quantity: 1, unitPrice: 30000 }];
    expect(await settle(ctx, claim(r.id, { ...c, items }))).toMatchObject({
      act_pay_dedc: 10000,
      hifp_pay: 11000,
    });
    expect(await settle(ctx, claim(e.id, { ...c, items }))).toMatchObject({
      act_pay_dedc: 30000,
      hifp_pay: 0,
    });
  });

  it("refuses a suspended person, an unknown institution, a negative quantity and writes nothing", async () => {
    const p = await employee(ctx);
    const before = await countOf(miSettlements);
    const bad: [ClaimInput, string][] = [
      [claim(p.id, { institutionCode: "NOPE0001" }), "validation"],
      [
        claim(p.id, { items: [{ code: "X", class: "A", quantity: -1, unitPrice: 100 }] }),
        "validation",
      ],
      [claim(p.id, { personId: undefined, nationalId: "110101198001010011" }), "validation"],
      [claim("psn_unknown"), "validation"],
    ];
    for (const [input, code] of bad)
      await expect(settle(ctx, input)).rejects.toMatchObject({ code });
    await setPersonStatus(ctx, p.id, "suspended", "test");
    await expect(settle(ctx, claim(p.id))).rejects.toMatchObject({ code: "conflict" });
    expect(await countOf(miSettlements)).toBe(before);
    expect(await accOf(p.id)).toBeUndefined();
  });

  it("audits every read of a personal record and masks the ID", async () => {
    const p = await employee(ctx);
    const r = await getPersonRecord(ctx, p.id);
    expect(r.person.nationalId).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
    const reads = await withTenant(db, ctx.tenant, (tx) =>
      query(
        tx,
        sql`select 1 from audit_log where action = 'mi.person.read' and object_id = ${p.id}`,
      ),
    );
    expect(reads).toHaveLength(1);
  });
});
