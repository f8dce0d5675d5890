// First: module packages build zod schemas at import, and they need zod-openapi's extension loaded.
import "@zhengyun/api";
import type { Database } from "@zhengyun/db";
import {
  type MiCtx,
  miAccumulators,
  miSettlements,
  registerPerson,
  setPersonStatus,
} from "@zhengyun/medical-insurance";
import { withTenant } from "@zhengyun/tenancy";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";
import {
  adminApp,
  auditRows,
  formClient,
  type People,
  type SignedIn,
  signedIn,
  staffFactory,
} from "../http-admin/helpers.ts";
import { INSTITUTIONS, nextNationalId, setupMedical } from "../medical/helpers.ts";

describe.each(drivers())("medical pages on %s", (driver) => {
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let people: People;
  let app: ReturnType<typeof adminApp>;
  let a: Tenant;
  let b: Tenant;
  let ctx: MiCtx;
  let officer: SignedIn;
  let citizen: SignedIn;
  let caseOfficer: SignedIn;
  let foreign: SignedIn;
  const { page, post } = formClient(() => app);
  const settlements = () => withTenant(db, a, (tx) => tx.select().from(miSettlements));
  const base = () => `/t/${a.slug}/console/medical`;
  const claim = (personId: string, over: Record<string, string> = {}) => ({
    personId,
    institutionCode: INSTITUTIONS["3"],
    visitType: "outpatient",
    date: "2026-11-20",
    "items.0.code": "YP00001",
    "items.0.class": "A",
    "items.0.quantity": "1",
    "items.0.unitPrice": "2000.00",
    ...over,
  });

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    tenants = tenantFactory(db);
    people = staffFactory(db);
    app = adminApp(db, people.clock);
    a = await tenants.create();
    b = await tenants.create();
    ctx = await setupMedical(db, a);
    officer = await signedIn(people, "mi_officer", a.id);
    citizen = await signedIn(people, "citizen", a.id);
    caseOfficer = await signedIn(people, "case_officer", a.id);
    foreign = await signedIn(people, "mi_officer", b.id);
  });
  afterAll(async () => {
    await people.cleanup([a.id, b.id]);
    await tenants.cleanup();
    await db.close();
  });

  it("finds a person with the ID masked, opens the record; both accesses are audited", async () => {
    const nid = nextNationalId("19800101");
    const p = await registerPerson(ctx, {
      nationalId: nid,
      name: "页面测试员",
      scheme: "310",
      employerCode: "EMP0001",
    });
    const found = await page(`${base()}?q=${encodeURIComponent("页面测试")}&lang=en`, officer);
    expect(found.status).toBe(200);
    expect(found.html).toContain(`${nid.slice(0, 6)}********${nid.slice(14)}`);
    expect(found.html).not.toContain(nid);
    expect(found.html).toContain(`persons/${p.id}`);
    const record = await page(`${base()}/persons/${p.id}?lang=en`, officer);
    expect(record.status).toBe(200);
    expect(record.html).toContain("Yearly accumulators");
    expect(record.html).not.toContain(nid);
    expect((await auditRows(db, a, "mi.person.search")).length).toBeGreaterThan(0);
    const reads = await auditRows(db, a, "mi.person.read");
    expect(reads.map((r) => r.objectId)).toContain(p.id);
  });

  it("pre-settles (nothing written), settles, reverses with the accumulators restored, refuses a second reversal", async () => {
    const p = await registerPerson(ctx, {
      nationalId: nextNationalId(),
      name: "结算人",
      scheme: "310",
      employerCode: "EMP0001",
    });
    const before = (await settlements()).length;
    const preview = await post(`${base()}/settle/preview?lang=en`, officer, claim(p.id));
    expect(preview.status).toBe(200);
    // ¥2,000 outpatient at level 3: the ¥1,800 yearly deductible, then 70% of ¥200.
    expect(preview.html).toContain("¥2,000.00");
    expect(preview.html).toContain("¥1,800.00");
    expect(preview.html).toContain("¥140.00");
    expect(preview.html).toContain("¥1,860.00");
    expect((await settlements()).length).toBe(before);

    const done = await post(`${base()}/settle`, officer, claim(p.id));
    expect(done.status).toBe(303);
    expect(done.location).toBe(`${base()}/persons/${p.id}`);
    const [s] = (await settlements()).filter((x) => x.personId === p.id);
    expect(s).toMatchObject({ status: "settled", hifpPay: 14000, actPayDedc: 180000 });
    const record = await page(`${base()}/persons/${p.id}`, officer);
    expect(record.html).toContain(`settlements/${s?.id}/reverse`);
    expect(record.html).toContain("¥140.00");

    const path = `${base()}/persons/${p.id}/settlements/${s?.id}/reverse`;
    const confirm = await page(path, officer);
    expect(confirm.status).toBe(200);
    // The confirmation posts to this settlement's own address.
    expect(confirm.html).toContain(`action="${path}"`);
    const reversed = await post(path, officer, { reason: "录入错误" });
    expect(reversed.status).toBe(303);
    const [acc] = await withTenant(db, a, (tx) =>
      tx.select().from(miAccumulators).where(eq(miAccumulators.personId, p.id)),
    );
    expect(acc).toMatchObject({ outpatientDedcUsed: 0, fundPaid: 0, admissions: 0 });
    const again = await post(path, officer, {});
    expect(again.status).toBe(409);
    expect((await auditRows(db, a, "mi.settlement.reverse")).map((r) => r.objectId)).toEqual([
      s?.id,
    ]);
  });

  it("bad claims come back with inline errors, what was typed kept, and write nothing", async () => {
    const p = await registerPerson(ctx, {
      nationalId: nextNationalId(),
      name: "错误输入",
      scheme: "310",
      employerCode: "EMP0001",
    });
    const before = (await settlements()).length;
    const bad = await post(
      `${base()}/settle`,
      officer,
      claim(p.id, {
        "items.2.code": "YP9",
        "items.2.quantity": "-1",
        "items.2.unitPrice": "12.5",
        date: "2026-02-30",
      }),
    );
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('id="f-items.2.quantity-err"');
    expect(bad.html).toContain('id="f-date-err"');
    expect(bad.html).toContain('value="YP9"');
    expect(bad.html).toContain('value="-1"');
    const unknown = await post(
      `${base()}/settle`,
      officer,
      claim(p.id, { institutionCode: "NOPE0001" }),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.html).toContain('id="f-institutionCode-err"');
    const empty = await post(
      `${base()}/settle/preview`,
      officer,
      claim(p.id, { "items.0.code": "", "items.0.quantity": "", "items.0.unitPrice": "" }),
    );
    expect(empty.status).toBe(400);
    expect(empty.html).toContain('id="f-items.0.code-err"');
    // A suspended person is refused on the form, not with a bare error page.
    await setPersonStatus(ctx, p.id, "suspended", "arrears");
    const suspended = await post(`${base()}/settle?lang=en`, officer, claim(p.id));
    expect(suspended.status).toBe(409);
    expect(suspended.html).toContain("The insured person is not active.");
    expect(suspended.html).toContain('value="YP00001"');
    expect((await settlements()).length).toBe(before);
  });

  it("parameters editor: bad JSON values stay typed with the failing paths; a saved threshold sends claims to review; a rejection needs a coded reason and is withheld in clearing", async () => {
    const edit = await page(
      `${base()}/parameters/edit?year=2026&scheme=310&from=2026-01-01`,
      officer,
    );
    expect(edit.status).toBe(200);
    const json = JSON.parse(
      /<textarea[^>]*name="params"[^>]*>([^<]*)</.exec(edit.html)?.[1]?.replaceAll("&quot;", '"') ??
        "{}",
    );
    expect(json.ceiling).toBe(50000000);
    const broken = await post(`${base()}/parameters`, officer, {
      year: "2026",
      scheme: "310",
      effectiveFrom: "2026-01-01",
      params: JSON.stringify({ ...json, ceiling: -1 }),
    });
    expect(broken.status).toBe(400);
    expect(broken.html).toContain('id="f-params-err"');
    expect(broken.html).toContain("<code>ceiling</code>");
    const saved = await post(`${base()}/parameters`, officer, {
      year: "2026",
      scheme: "310",
      effectiveFrom: "2026-06-01",
      params: JSON.stringify({ ...json, review: { sampleBp: 0, amountThreshold: 100 } }),
    });
    expect(saved.status).toBe(303);
    expect((await page(`${base()}/parameters?year=2026`, officer)).html).toContain("2026-06-01");

    const p = await registerPerson(ctx, {
      nationalId: nextNationalId(),
      name: "审核人",
      scheme: "310",
      employerCode: "EMP0001",
    });
    await post(
      `${base()}/settle`,
      officer,
      claim(p.id, { date: "2026-07-03", institutionCode: INSTITUTIONS["2"] }),
    );
    const [s] = (await settlements()).filter((x) => x.personId === p.id);
    const queue = await page(`${base()}/reviews`, officer);
    expect(queue.html).toContain(`reviews/${s?.id}`);
    expect((await page(`${base()}/reviews/${s?.id}`, officer)).html).toContain(
      `action="${base()}/reviews/${s?.id}"`,
    );
    const noReason = await post(`${base()}/reviews/${s?.id}`, officer, {
      decision: "rejected",
      reasonCode: "",
      note: "看看",
    });
    expect(noReason.status).toBe(400);
    expect(noReason.html).toContain('id="f-reasonCode-err"');
    expect(noReason.html).toContain("看看");
    const ok = await post(`${base()}/reviews/${s?.id}`, officer, {
      decision: "rejected",
      reasonCode: "R02",
    });
    expect(ok.status).toBe(303);
    expect((await page(`${base()}/reviews?status=rejected&lang=en`, officer)).html).toContain(
      "R02 Duplicate charge",
    );
    expect(
      (await post(`${base()}/reviews/${s?.id}`, officer, { decision: "approved" })).status,
    ).toBe(409);
    const clearing = await page(`${base()}/clearing?month=2026-07`, officer);
    expect(clearing.status).toBe(200);
    // The fund's ¥140.00 for this claim is rejected in review, so the institution is owed ¥0.00.
    expect(clearing.html).toMatch(/¥140\.00<\/td><td class="num"><strong>¥0\.00<\/strong>/);
  });

  it("institutions editor and batch import with its row-level report", async () => {
    const bad = await post(`${base()}/institutions`, officer, {
      code: "x",
      name: "新医院",
      level: "2",
      type: "hospital",
      status: "active",
    });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('id="f-code-err"');
    expect(bad.html).toContain('value="新医院"');
    const ok = await post(`${base()}/institutions`, officer, {
      code: "H2000099",
      name: "新医院",
      level: "2",
      type: "hospital",
      status: "active",
    });
    expect(ok.status).toBe(303);
    expect((await page(`${base()}/institutions`, officer)).html).toContain("H2000099");

    const good = nextNationalId("19750505");
    const csv = `national_id,name,scheme,employment,employer_code\n${good},批量甲,310,in_service,EMP0001\n110101199001011234,批量乙,310,in_service,EMP0001\n`;
    const report = await post(`${base()}/batch?lang=en`, officer, { kind: "persons", text: csv });
    expect(report.status).toBe(200);
    expect(report.html).toContain("Row-level errors");
    expect(report.html).toMatch(/<td class="num">3<\/td>/);
    const jsonl = JSON.stringify({
      nationalId: good,
      institutionCode: INSTITUTIONS.community,
      visitType: "outpatient",
      date: "2026-08-01",
      items: [{ code: "X", class: "甲", quantity: 1, unitPrice: 500 }],
      externalRef: "PAGE-1",
    });
    const batch = await post(`${base()}/batch`, officer, {
      kind: "settlements-jsonl",
      text: `${jsonl}\nnot json\n`,
    });
    expect(batch.status).toBe(200);
    expect(batch.html).toContain("¥5.00");
    expect((await settlements()).some((s) => s.externalRef === "PAGE-1")).toBe(true);
    expect((await post(`${base()}/batch`, officer, { kind: "persons", text: "" })).status).toBe(
      400,
    );
  });

  it("refuses citizens, other roles and other tenants; signed-out people go to sign-in; refused posts write nothing", async () => {
    const gets = [
      "",
      "/persons/psn_x",
      "/settle",
      "/reviews",
      "/reviews/setl_x",
      "/institutions",
      "/parameters",
      "/parameters/edit",
      "/batch",
      "/clearing",
    ];
    for (const g of gets) {
      const path = `${base()}${g}`;
      expect((await page(path, citizen)).status, path).toBe(403);
      expect((await page(path, caseOfficer)).status, path).toBe(403);
      expect((await page(path, foreign)).status, path).toBe(404);
      const out = await page(path);
      expect(out.status, path).toBe(303);
      expect(out.location).toContain("/console/sign-in");
    }
    const before = (await settlements()).length;
    const p = await registerPerson(ctx, {
      nationalId: nextNationalId(),
      name: "拒绝",
      scheme: "310",
      employerCode: "EMP0001",
    });
    for (const who of [citizen, caseOfficer]) {
      expect((await post(`${base()}/settle`, who, claim(p.id))).status).toBe(403);
    }
    expect((await post(`${base()}/settle`, foreign, claim(p.id))).status).toBe(404);
    expect(
      (
        await post(`${base()}/institutions`, caseOfficer, {
          code: "H9999999",
          name: "x",
          level: "1",
          type: "hospital",
        })
      ).status,
    ).toBe(403);
    expect((await settlements()).length).toBe(before);
    expect((await page(`${base()}/institutions`, officer)).html).not.toContain("H9999999");
  });
});
