import type { Database } from "@zhengyun/db";
import {
  importContributionsCsv,
  importPersonsCsv,
  type MiCtx,
  makeNationalId,
  miPersons,
  registerEmployer,
  samplePolicy,
  setParameters,
  settleBatch,
  upsertInstitution,
} from "@zhengyun/medical-insurance";
import { type TenantRef, withTenant } from "@zhengyun/tenancy";
import { count } from "drizzle-orm";

const SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗";
const GIVEN = [
  "伟",
  "芳",
  "娜",
  "秀英",
  "敏",
  "静",
  "丽",
  "强",
  "磊",
  "军",
  "洋",
  "勇",
  "艳",
  "杰",
  "娟",
];
const INSTITUTIONS = [
  { code: "H3000001", name: "市第一人民医院", level: "3", type: "hospital" },
  { code: "H3000002", name: "市中医医院", level: "3", type: "hospital" },
  { code: "H2000001", name: "区人民医院", level: "2", type: "hospital" },
  { code: "H1000001", name: "街道医院", level: "1", type: "hospital" },
  { code: "HC000001", name: "社区卫生服务中心", level: "community", type: "hospital" },
  { code: "HC000002", name: "社区卫生服务站", level: "community", type: "hospital" },
  { code: "P0000001", name: "仁和大药房", level: "community", type: "pharmacy" },
] as const;

/** A small deterministic generator: the demo is the same on every boot. */
function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

/**
 * Medical insurance demo data for one tenant: this year's parameters for both schemes, institutions
 * of each level, employers, two hundred insured persons with contributions (through the CSV
 * import path) and settlements (through the batch path). Skipped when the tenant has persons.
 */
export async function seedDemoMedical(db: Database, tenant: TenantRef, now = new Date()) {
  const ctx: MiCtx = { db, tenant, actorId: "demo", actorRole: "system" };
  const existing = await withTenant(db, tenant, (tx) => tx.select({ n: count() }).from(miPersons));
  if (Number(existing[0]?.n) > 0) return;
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth() + 1;
  for (const scheme of ["310", "390"] as const) {
    await setParameters(ctx, {
      year,
      scheme,
      effectiveFrom: `${year}-01-01`,
      params: samplePolicy(scheme),
    });
  }
  for (const i of INSTITUTIONS) await upsertInstitution(ctx, i);
  for (let e = 1; e <= 4; e++)
    await registerEmployer(ctx, { code: `EMP${e}000`, name: `示范单位${e}` });
  const r = rng(tenant.slug.length * 7919 + year);
  const people: { nid: string; scheme: "310" | "390" }[] = [];
  const personRows = ["national_id,name,scheme,employment,employer_code"];
  for (let i = 0; i < 200; i++) {
    const scheme = i % 3 === 2 ? "390" : "310";
    const retired = scheme === "310" && i % 7 === 0;
    const birthYear = retired ? 1945 + r(15) : 1965 + r(38);
    const birth = `${birthYear}${String(1 + r(12)).padStart(2, "0")}${String(1 + r(28)).padStart(2, "0")}`;
    const nid = makeNationalId("110101", birth, i + 1);
    const name = `${SURNAMES[r(SURNAMES.length)]}${GIVEN[r(GIVEN.length)]}`;
    people.push({ nid, scheme });
    personRows.push(
      `${nid},${name},${scheme},${retired ? "retired" : "in_service"},${scheme === "310" ? `EMP${1 + r(4)}000` : ""}`,
    );
  }
  await importPersonsCsv(ctx, personRows.join("\n"));
  const contribRows = ["national_id,period,declared_base"];
  for (const p of people) {
    if (p.scheme === "390") contribRows.push(`${p.nid},${year},`);
    else {
      // The latest month only: enough for coverage and the personal account, quick to seed.
      const m = String(Math.max(1, month - 1)).padStart(2, "0");
      contribRows.push(`${p.nid},${year}-${m},${600000 + r(2000000)}`);
    }
  }
  await importContributionsCsv(ctx, contribRows.join("\n"));
  const claims: string[] = [];
  const days = Math.max(1, Math.floor((now.getTime() - Date.UTC(year, 0, 1)) / 86400000));
  for (let i = 0; i < 300; i++) {
    const p = people[r(people.length)] as (typeof people)[number];
    const inst = INSTITUTIONS[r(INSTITUTIONS.length)] as (typeof INSTITUTIONS)[number];
    const inpatient = inst.type === "hospital" && inst.level !== "community" && r(5) === 0;
    const date = new Date(Date.UTC(year, 0, 1) + r(days) * 86400000).toISOString().slice(0, 10);
    const items = Array.from({ length: 1 + r(4) }, (_, k) => ({
      code: `YP${String(r(9000)).padStart(5, "0")}`,
      class: ["甲", "甲", "乙", "丙"][r(4)],
      quantity: 1 + r(3),
      unitPrice: inpatient ? 50000 + r(2000000) : 1000 + r(40000) + k,
    }));
    claims.push(
      JSON.stringify({
        externalRef: `DEMO-${tenant.slug}-${i}`,
        nationalId: p.nid,
        institutionCode: inst.code,
        visitType: inpatient ? "inpatient" : "outpatient",
        date,
        useAccount: p.scheme === "310" && r(2) === 0,
        items,
      }),
    );
  }
  await settleBatch(ctx, claims.join("\n"), "jsonl");
}
