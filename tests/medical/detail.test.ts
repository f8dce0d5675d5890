// First: module packages build zod schemas at import, and they need zod-openapi's extension loaded.
import "@zhengyun/api";
import type { Database } from "@zhengyun/db";
import {
  type MiCtx,
  type SettlementDetailResponse,
  type SettlementResponse,
  settlementDetailSchema,
} from "@zhengyun/medical-insurance";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";
import {
  adminApp,
  auditRows,
  type People,
  req,
  type SignedIn,
  signedIn,
  staffFactory,
} from "../http-admin/helpers.ts";
import { employee, INSTITUTIONS, setupMedical } from "./helpers.ts";

describe.each(drivers())("settlement detail on %s", (driver) => {
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let people: People;
  let app: ReturnType<typeof adminApp>;
  let a: Tenant;
  let b: Tenant;
  let ctx: MiCtx;
  let officer: SignedIn;
  let caseOfficer: SignedIn;
  let foreign: SignedIn;
  const api = () => `/t/${a.slug}/api/v1/medical`;
  const console_ = () => `/t/${a.slug}/console/medical`;
  const page = async (path: string, who?: SignedIn) => {
    const res = await app.request(path, {
      headers: { accept: "text/html", ...(who?.headers ?? {}) },
    });
    return { status: res.status, html: await res.text() };
  };

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    tenants = tenantFactory(db);
    people = staffFactory(db);
    app = adminApp(db, people.clock);
    a = await tenants.create();
    b = await tenants.create();
    // A ceiling low enough for one admission to reach it.
    ctx = await setupMedical(db, a, { ceiling: 400_000 });
    officer = await signedIn(people, "mi_officer", a.id);
    caseOfficer = await signedIn(people, "case_officer", a.id);
    foreign = await signedIn(people, "mi_officer", b.id);
  });
  afterAll(async () => {
    await people.cleanup([a.id, b.id]);
    await tenants.cleanup();
    await db.close();
  });

  /** An officer settles an inpatient claim with 甲, 乙 and 丙 lines that reaches the ceiling. */
  async function settled(): Promise<{ s: SettlementResponse; nationalId: string }> {
    const p = await employee(ctx);
    const res = await app.request(
      `${api()}/settlements`,
      req("POST", officer, {
        personId: p.id,
        institutionCode: INSTITUTIONS["2"],
        visitType: "inpatient",
        date: "2026-05-06",
        items: [
          { code: "A100", class: "甲", quantity: 1, unitPrice: 600_000 },
          { code: "B200", class: "乙", quantity: 2.5, unitPrice: 10_001 },
          { code: "C300", class: "丙", quantity: 1, unitPrice: 3_000 },
        ],
      }),
    );
    expect(res.status).toBe(201);
    return { s: (await res.json()) as SettlementResponse, nationalId: p.nationalId };
  }

  const detail = async (id: string, who: SignedIn | undefined = officer) => {
    const res = await app.request(`${api()}/settlements/${id}`, req("GET", who));
    return { status: res.status, body: (await res.json()) as SettlementDetailResponse };
  };

  it("answers the claim lines, the deductible/ratio/ceiling breakdown, who settled and the reversal; the read is audited", async () => {
    const { s, nationalId } = await settled();
    const { status, body } = await detail(s.setl_id as string);
    expect(status).toBe(200);
    expect(settlementDetailSchema.parse(body)).toEqual(body);
    const d = body;
    expect(d.settlement).toMatchObject({
      setl_id: s.setl_id,
      status: "settled",
      medfee_sumamt: s.medfee_sumamt,
      hifp_pay: s.hifp_pay,
      settledBy: officer.id,
      reversedAt: null,
      batchId: null,
    });
    expect(d.person?.nationalId).toBe(`${nationalId.slice(0, 6)}********${nationalId.slice(14)}`);
    expect(d.institution).toMatchObject({ code: INSTITUTIONS["2"], level: "2" });
    // The lines add up to the settlement's parts, as the engine split them.
    const sum = (k: "amount" | "fulamtOwnpay" | "preselfpay" | "inscp") =>
      d.lines.reduce((n, l) => n + l[k], 0);
    expect(d.lines.map((l) => l.class)).toEqual(["A", "B", "C"]);
    expect(d.lines[1]?.amount).toBe(25_003); // 2.5 × ¥100.01, rounded half up once
    expect(sum("amount")).toBe(s.medfee_sumamt);
    expect(sum("fulamtOwnpay")).toBe(s.fulamt_ownpay_amt);
    expect(sum("preselfpay")).toBe(s.preselfpay_amt);
    expect(sum("inscp")).toBe(s.inscp_scp_amt);
    // The breakdown explains hifp_pay: ratio of what exceeds the deductible, cut by the ceiling.
    const b = d.breakdown;
    if (!b) throw new Error("no breakdown");
    expect(b).toMatchObject({ deductibleKind: "admission", deductibleApplied: s.act_pay_dedc });
    expect(b.deductibleApplied).toBe(Math.min(b.deductibleDue, s.inscp_scp_amt));
    expect(b.eligible).toBe(s.inscp_scp_amt - s.act_pay_dedc);
    expect(b.ceiling).toBe(400_000);
    expect(b.ceilingCut).toBeGreaterThan(0);
    expect(b.byRatio - b.ceilingCut).toBe(s.hifp_pay);
    expect(s.hifp_pay).toBe(400_000);
    const reads = await auditRows(db, a, "mi.settlement.read");
    expect(reads.map((r) => [r.objectId, r.actorId])).toContainEqual([s.setl_id, officer.id]);

    const rev = await app.request(
      `${api()}/settlements/${s.setl_id}/reversal`,
      req("POST", officer, { reason: "重复结算" }),
    );
    expect(rev.status).toBe(200);
    const after = (await detail(s.setl_id as string)).body.settlement;
    expect(after).toMatchObject({
      status: "reversed",
      reversedBy: officer.id,
      reversalReason: "重复结算",
    });
    expect(Date.parse(after.reversedAt ?? "")).not.toBeNaN();
  });

  it("mi_officer only: another role gets 403, another tenant's officer and an unknown id 404, nobody 401", async () => {
    const { s } = await settled();
    const id = s.setl_id as string;
    expect((await detail(id, caseOfficer)).status).toBe(403);
    expect((await detail(id, foreign)).status).toBe(404);
    expect((await detail("setl_NOSUCHSETTLEMENT00000", officer)).status).toBe(404);
    expect((await app.request(`${api()}/settlements/${id}`)).status).toBe(401);
    // The other tenant's officer, on their own tenant's address, does not find it either.
    const there = await app.request(
      `/t/${b.slug}/api/v1/medical/settlements/${id}`,
      req("GET", foreign),
    );
    expect(there.status).toBe(404);
    expect((await page(`${console_()}/settlements/${id}`, caseOfficer)).status).toBe(403);
    expect((await page(`${console_()}/settlements/${id}`, foreign)).status).toBe(404);
    expect((await page(`/t/${b.slug}/console/medical/settlements/${id}`, foreign)).status).toBe(
      404,
    );
  });

  it("console page in zh-CN and en: lines, amounts, the fund's computation, reversal; linked from the person's record; ID masked", async () => {
    const { s, nationalId } = await settled();
    const path = `${console_()}/settlements/${s.setl_id}`;
    const en = await page(`${path}?lang=en`, officer);
    expect(en.status).toBe(200);
    for (const text of [
      "Claim lines",
      "Class B (乙)",
      "How the pooled fund&#39;s payment was computed",
      "Withheld by the ceiling",
      "¥4,000.00", // the ceiling
      "Not reversed.",
      officer.id,
    ]) {
      expect(en.html).toContain(text);
    }
    expect(en.html).toContain(`${nationalId.slice(0, 6)}********${nationalId.slice(14)}`);
    expect(en.html).not.toContain(nationalId);
    const zh = await page(path, officer);
    expect(zh.status).toBe(200);
    for (const text of ["费用明细", "统筹基金支付计算", "因封顶线少付", "乙类", "未冲正。"]) {
      expect(zh.html).toContain(text);
    }
    const record = await page(`${console_()}/persons/${s.person_id}?lang=en`, officer);
    expect(record.html).toContain(`/console/medical/settlements/${s.setl_id}`);

    await app.request(
      `${api()}/settlements/${s.setl_id}/reversal`,
      req("POST", officer, { reason: "患者退费" }),
    );
    const reversed = await page(`${path}?lang=en`, officer);
    expect(reversed.html).toContain("Reversed at");
    expect(reversed.html).toContain("患者退费");
  });
});
