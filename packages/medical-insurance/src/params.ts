import { z } from "zod";

const fen = z.number().int().min(0).max(1e11);
const bp = z.number().int().min(0).max(10000);
export const levels = ["community", "1", "2", "3"] as const;
export type Level = (typeof levels)[number];
const byLevel = <T extends z.ZodType>(t: T) => z.object({ community: t, "1": t, "2": t, "3": t });
const ratios = z.object({ in_service: byLevel(bp), retired: byLevel(bp) });

/**
 * One year's policy for one scheme (the jsonb of mi_parameters). Amounts in fen, rates in basis
 * points. Outpatient and inpatient pooled care are separate; the ceiling is the year's total.
 */
export const policySchema = z.object({
  inpatient: z.object({
    /** Deductible per admission, by institution level. */
    deductible: byLevel(fen),
    /** Share of the deductible applied from the second admission in the year (5000 = halved). */
    subsequentAdmissionBp: bp,
    ratio: ratios,
  }),
  outpatient: z.object({
    /** Yearly deductible for outpatient pooled care. */
    deductible: fen,
    ratio: ratios,
  }),
  /** Annual ceiling (封顶线) of what the pooled fund pays. */
  ceiling: fen,
  /** 乙 class: first self-pay share. */
  classBSelfPayBp: bp,
  contribution: z.object({
    /** Local average monthly wage; the base is clamped to 60–300% of it. */
    averageWage: fen,
    employerBp: bp,
    employeeBp: bp,
    /** Share of the employee's contribution credited to the personal account. */
    accountBp: bp,
    /** Resident annual premium: individual part and government subsidy. */
    residentIndividual: fen,
    residentSubsidy: fen,
  }),
  /** Days after the covered period before coverage is suspended. */
  graceDays: z.number().int().min(0).max(366),
  review: z.object({
    /** Random share sampled for review. */
    sampleBp: bp,
    /** Settlements with a total at or above this are reviewed. */
    amountThreshold: fen,
  }),
});
export type Policy = z.infer<typeof policySchema>;

/** A plausible policy (demo and tests): the shape of a large city's employee scheme. */
export function samplePolicy(scheme: "310" | "390"): Policy {
  const employee = scheme === "310";
  const r = (a: number, b: number, c: number, d: number) => ({
    community: a,
    "1": b,
    "2": c,
    "3": d,
  });
  return {
    inpatient: {
      deductible: employee ? r(80000, 100000, 130000, 130000) : r(50000, 80000, 100000, 130000),
      subsequentAdmissionBp: 5000,
      ratio: employee
        ? { in_service: r(9000, 9000, 8700, 8500), retired: r(9700, 9700, 9610, 9550) }
        : { in_service: r(8000, 8000, 7800, 7500), retired: r(8000, 8000, 7800, 7500) },
    },
    outpatient: {
      deductible: employee ? 180000 : 10000,
      ratio: employee
        ? { in_service: r(9000, 7000, 7000, 7000), retired: r(9000, 8500, 8500, 8500) }
        : { in_service: r(5500, 5000, 5000, 5000), retired: r(5500, 5000, 5000, 5000) },
    },
    ceiling: employee ? 50000000 : 25000000,
    classBSelfPayBp: 1000,
    contribution: {
      averageWage: 1205700,
      employerBp: 980,
      employeeBp: 200,
      accountBp: 10000,
      residentIndividual: 38000,
      residentSubsidy: 67000,
    },
    graceDays: 90,
    review: { sampleBp: 200, amountThreshold: 5000000 },
  };
}
