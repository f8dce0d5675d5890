import { createApp } from "@zhengyun/api";
import type { Database } from "@zhengyun/db";
import {
  type MiCtx,
  medicalModule,
  miSettlements,
  setPersonStatus,
} from "@zhengyun/medical-insurance";
import { withTenant } from "@zhengyun/tenancy";
import { count } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";
import { asPrincipal, json, readJson, testAuthenticator, testDeps } from "../http/helpers.ts";
import { employee, INSTITUTIONS, nextNationalId, setupMedical } from "./helpers.ts";

describe.each(drivers())("medical HTTP on %s", (driver) => {
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let tenant: Tenant;
  let other: Tenant;
  let ctx: MiCtx;
  let app: ReturnType<typeof createApp>;
  const officer = () =>
    asPrincipal({ tenantId: tenant.id, roles: ["mi_officer"], scopes: ["mi:read", "mi:write"] });
  const base = () => `/t/${tenant.slug}/api/v1/medical`;
  const post = (path: string, body: unknown, headers = officer()) =>
    app.request(`${base()}${path}`, json(body, headers));
  const settlementsCount = () =>
    withTenant(db, tenant, async (tx) =>
      Number((await tx.select({ n: count() }).from(miSettlements))[0]?.n),
    );
  const claim = (personId: string, over: Record<string, unknown> = {}) => ({
    personId,
    institutionCode: INSTITUTIONS["3"],
    visitType: "inpatient",
    date: "2026-03-10",
    items: [{ code: "X001", class: "甲", quantity: 1, unitPrice: 500000 }],
    ...over,
  });

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    tenants = tenantFactory(db);
    tenant = await tenants.create();
    other = await tenants.create();
    ctx = await setupMedical(db, tenant);
    app = createApp(testDeps(db, { authenticator: testAuthenticator }));
    medicalModule.register(app);
  });
  afterAll(async () => {
    await tenants.cleanup();
    await db.close();
  });

  it("pre-settles, settles and reverses a claim; a second reversal is 409", async () => {
    const p = await employee(ctx);
    const preview = await post("/settlements/preview", claim(p.id));
    expect(preview.status).toBe(200);
    expect(await readJson(preview)).toMatchObject({ status: "preview", hifp_pay: 314500 });
    const res = await post("/settlements", claim(p.id));
    expect(res.status).toBe(201);
    const s = await readJson(res);
    expect(s).toMatchObject({ status: "settled", medfee_sumamt: 500000, psn_part_amt: 185500 });
    const rev = await post(`/settlements/${s.setl_id}/reversal`, { reason: "退费" });
    expect(rev.status).toBe(200);
    expect((await readJson(rev)).status).toBe("reversed");
    const again = await post(`/settlements/${s.setl_id}/reversal`, {});
    expect(again.status).toBe(409);
    expect(again.headers.get("content-type")).toContain("application/problem+json");
  });

  it("answers bad input with 4xx problem+json and writes nothing", async () => {
    const p = await employee(ctx);
    const suspended = await employee(ctx);
    await setPersonStatus(ctx, suspended.id, "suspended", "test");
    const before = await settlementsCount();
    const cases: [unknown, number][] = [
      [claim(p.id, { personId: undefined, nationalId: "110101198001010011" }), 400],
      [claim(p.id, { institutionCode: "NOPE0001" }), 400],
      [claim(p.id, { items: [{ code: "X", class: "甲", quantity: -2, unitPrice: 100 }] }), 400],
      [claim(p.id, { items: [{ code: "X", class: "丁", quantity: 1, unitPrice: 100 }] }), 400],
      [claim(p.id, { date: "2026-02-30" }), 400],
      [claim(suspended.id), 409],
    ];
    for (const [body, status] of cases) {
      const res = await post("/settlements", body);
      expect(res.status).toBe(status);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
    expect(await settlementsCount()).toBe(before);
  });

  it("refuses citizens, other roles and other tenants", async () => {
    const p = await employee(ctx);
    const citizen = asPrincipal({ kind: "citizen", tenantId: tenant.id, scopes: ["citizen:self"] });
    const reader = asPrincipal({ tenantId: tenant.id, scopes: ["mi:read"] });
    const stranger = asPrincipal({ tenantId: other.id, scopes: ["mi:read", "mi:write"] });
    expect((await post("/settlements", claim(p.id), {})).status).toBe(401);
    expect((await post("/settlements", claim(p.id), citizen)).status).toBe(403);
    expect((await post("/settlements", claim(p.id), reader)).status).toBe(403);
    expect((await post("/settlements", claim(p.id), stranger)).status).toBe(404);
    const read = await app.request(`${base()}/persons/${p.id}`, { headers: citizen });
    expect(read.status).toBe(403);
  });

  it("finds persons with masked IDs and registers one; an invalid ID is 400", async () => {
    const nid = nextNationalId("19850505");
    const created = await post("/persons", { nationalId: nid, name: "张三", scheme: "390" });
    expect(created.status).toBe(201);
    const res = await app.request(`${base()}/persons?q=${encodeURIComponent("张三")}`, {
      headers: officer(),
    });
    const { items } = await readJson(res);
    expect(items[0].nationalId).toBe(`${nid.slice(0, 6)}********${nid.slice(14)}`);
    const bad = await post("/persons", {
      nationalId: "110101198505050000",
      name: "李四",
      scheme: "390",
    });
    expect(bad.status).toBe(400);
  });

  it("settles a CSV batch with a row-level report, refuses its replay and clears the month", async () => {
    const p = await employee(ctx);
    const csv = [
      "ref,person_id,institution_code,visit_type,date,code,class,quantity,unit_price",
      `B1,${p.id},${INSTITUTIONS["2"]},outpatient,2026-04-02,X1,甲,1,200000`,
      `B1,${p.id},${INSTITUTIONS["2"]},outpatient,2026-04-02,X2,丙,2,1000`,
      `B2,${p.id},NOPE0001,outpatient,2026-04-03,X1,甲,1,100`,
      `B3,${p.id},${INSTITUTIONS["2"]},outpatient,2026-04-03,X1,甲,1,50000`,
    ].join("\n");
    const res = await app.request(`${base()}/batches`, {
      method: "POST",
      headers: { ...officer(), "content-type": "text/csv" },
      body: csv,
    });
    expect(res.status).toBe(200);
    const report = await readJson(res);
    expect(report).toMatchObject({ lines: 3, settled: 2, rejected: 1 });
    expect(report.errors).toEqual([
      { line: 4, ref: "B2", errors: [{ path: "institutionCode", message: expect.any(String) }] },
    ]);
    const again = await app.request(`${base()}/batches`, {
      method: "POST",
      headers: { ...officer(), "content-type": "text/csv" },
      body: csv,
    });
    expect(await readJson(again)).toMatchObject({ settled: 0, rejected: 3 });
    const clearing = await app.request(`${base()}/clearing/2026-04`, { headers: officer() });
    const st = await readJson(clearing);
    const line = st.lines.find(
      (l: { institutionCode: string }) => l.institutionCode === INSTITUTIONS["2"],
    );
    expect(line).toMatchObject({ settlements: 2, fundPaySumamt: report.fundPaySumamt });
    expect(line.payable).toBe(line.fundPaySumamt - line.rejectedFundPay);
  });

  it("serves parameters, institutions, the review queue and a person's record", async () => {
    const get = async (path: string) => {
      const res = await app.request(`${base()}${path}`, { headers: officer() });
      expect(res.status).toBe(200);
      return readJson(res);
    };
    expect((await get("/parameters?year=2026")).items).toHaveLength(2);
    expect((await get("/institutions")).items.map((i: { level: string }) => i.level)).toContain(
      "community",
    );
    expect(await get(`/institutions/${INSTITUTIONS["3"]}`)).toMatchObject({ level: "3" });
    expect((await get("/reviews")).items).toEqual([]);
    const p = await employee(ctx);
    await post("/settlements", claim(p.id));
    const record = await get(`/persons/${p.id}`);
    expect(record.person.nationalId).toContain("********");
    expect(record.accumulators[0]).toMatchObject({ year: 2026, admissions: 1 });
    expect(record.settlements).toHaveLength(1);
    const missing = await app.request(`${base()}/persons/psn_nope`, { headers: officer() });
    expect(missing.status).toBe(404);
  });

  it("publishes every medical route in the OpenAPI document", async () => {
    const doc = await readJson(await app.request("/api/openapi.json"));
    const paths = Object.keys(doc.paths).filter((p) => p.includes("/medical/"));
    expect(paths).toEqual(
      expect.arrayContaining([
        "/t/{tenant}/api/v1/medical/settlements/preview",
        "/t/{tenant}/api/v1/medical/settlements",
        "/t/{tenant}/api/v1/medical/settlements/{id}/reversal",
        "/t/{tenant}/api/v1/medical/persons",
        "/t/{tenant}/api/v1/medical/persons/{id}",
        "/t/{tenant}/api/v1/medical/parameters",
        "/t/{tenant}/api/v1/medical/institutions",
        "/t/{tenant}/api/v1/medical/reviews",
        "/t/{tenant}/api/v1/medical/batches",
        "/t/{tenant}/api/v1/medical/clearing/{month}",
      ]),
    );
  });
});
