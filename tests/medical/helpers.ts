import type { Database } from "@zhengyun/db";
import {
  type MiCtx,
  makeNationalId,
  type Policy,
  registerEmployer,
  registerPerson,
  samplePolicy,
  setParameters,
  upsertInstitution,
} from "@zhengyun/medical-insurance";
import type { Tenant } from "../harness/index.ts";

export const YEAR = 2026;
export const INSTITUTIONS = {
  community: "HC0001",
  "1": "H10001",
  "2": "H20001",
  "3": "H30001",
  pharmacy: "P00001",
} as const;

let seq = 100;
/** A fresh valid national ID (odd sequence: male; even: female). */
export const nextNationalId = (birth = "19800101", region = "110101") =>
  makeNationalId(region, birth, seq++ % 1000);

/** A tenant with this year's parameters for both schemes, one institution per level, an employer. */
export async function setupMedical(db: Database, tenant: Tenant, policy?: Partial<Policy>) {
  const ctx: MiCtx = { db, tenant, actorId: "usr_test", actorRole: "mi_officer" };
  for (const scheme of ["310", "390"] as const) {
    await setParameters(ctx, {
      year: YEAR,
      scheme,
      effectiveFrom: `${YEAR}-01-01`,
      params: { ...samplePolicy(scheme), review: { sampleBp: 0, amountThreshold: 0 }, ...policy },
    });
  }
  for (const level of ["community", "1", "2", "3"] as const) {
    await upsertInstitution(ctx, {
      code: INSTITUTIONS[level],
      name: `医院 ${level}`,
      level,
      type: "hospital",
    });
  }
  await upsertInstitution(ctx, {
    code: INSTITUTIONS.pharmacy,
    name: "药店",
    level: "community",
    type: "pharmacy",
  });
  await registerEmployer(ctx, { code: "EMP0001", name: "测试单位" });
  return ctx;
}

export function employee(ctx: MiCtx, employment: "in_service" | "retired" = "in_service") {
  return registerPerson(ctx, {
    nationalId: nextNationalId(employment === "retired" ? "19500101" : "19800101"),
    name: employment === "retired" ? "退休职工" : "在职职工",
    scheme: "310",
    employment,
    employerCode: "EMP0001",
  });
}

export const resident = (ctx: MiCtx) =>
  registerPerson(ctx, { nationalId: nextNationalId("19900101"), name: "城乡居民", scheme: "390" });
