import { NotFoundError, newId, ValidationError } from "@zhengyun/core";
import { query, type Tx } from "@zhengyun/db";
import { withTenant } from "@zhengyun/tenancy";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { isoDate } from "./claim.ts";
import { audit, type MiCtx, parseInput } from "./context.ts";
import { applyBp } from "./money.ts";
import { policyFor } from "./parameters.ts";
import { changeStatus } from "./persons.ts";
import { miContributions, miPersonStatusHistory, miPersons } from "./schema.ts";

export const contributionInput = z.object({
  personId: z.string().min(1),
  /** `YYYY-MM` for employees (monthly), `YYYY` for residents (annual). */
  period: z.string().regex(/^\d{4}(-(0[1-9]|1[0-2]))?$/, "YYYY-MM or YYYY"),
  /** Declared monthly wage base (employees), fen; clamped to 60–300% of the average wage. */
  declaredBase: z.number().int().min(0).max(1e10).optional(),
  /** Payment date; a suspended person whose arrears this clears is resumed. */
  paidOn: isoDate.optional(),
});
export type ContributionInput = z.input<typeof contributionInput>;

const lastDay = (period: string): string => {
  if (period.length === 4) return `${period}-12-31`;
  const [y, m] = period.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};
const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86400000).toISOString().slice(0, 10);
const today = () => new Date().toISOString().slice(0, 10);

/** Records one paid contribution inside the caller's transaction; returns the row. */
export async function payContribution(tx: Tx, input: ContributionInput) {
  const v = parseInput(contributionInput, input);
  const [p] = await tx.select().from(miPersons).where(eq(miPersons.id, v.personId)).for("update");
  if (!p) throw new NotFoundError(`No insured person "${v.personId}"`);
  const employee = p.scheme === "310";
  if (employee !== (v.period.length === 7)) {
    throw new ValidationError("Wrong period for the scheme", [
      { path: "period", message: employee ? "employees pay monthly: YYYY-MM" : "residents: YYYY" },
    ]);
  }
  const policy = await policyFor(tx, p.scheme, `${v.period.slice(0, 4)}-12-31`);
  const c = policy.contribution;
  const row = { id: newId("mic"), personId: p.id, period: v.period };
  let values: typeof miContributions.$inferInsert;
  if (employee) {
    if (v.declaredBase === undefined) {
      throw new ValidationError("An employee contribution needs a base", [
        { path: "declaredBase", message: "required for scheme 310" },
      ]);
    }
    const lo = applyBp(c.averageWage, 6000);
    const hi = applyBp(c.averageWage, 30000);
    const base = Math.min(Math.max(v.declaredBase, lo), hi);
    const employeeAmount = applyBp(base, c.employeeBp);
    values = {
      ...row,
      kind: "employee_monthly",
      base,
      employerAmount: applyBp(base, c.employerBp),
      employeeAmount,
      accountCredit: applyBp(employeeAmount, c.accountBp),
    };
  } else {
    values = {
      ...row,
      kind: "resident_annual",
      individualAmount: c.residentIndividual,
      subsidyAmount: c.residentSubsidy,
    };
  }
  const [saved] = await tx.insert(miContributions).values(values).onConflictDoNothing().returning();
  if (!saved) {
    throw new ValidationError(`Period ${v.period} is already paid`, [
      { path: "period", message: "already paid" },
    ]);
  }
  const end = lastDay(v.period);
  const covered = p.coveredThrough && p.coveredThrough > end ? p.coveredThrough : end;
  await tx
    .update(miPersons)
    .set({
      coveredThrough: covered,
      accountBalance: sql`${miPersons.accountBalance} + ${saved.accountCredit}`,
    })
    .where(eq(miPersons.id, p.id));
  if (p.status === "suspended" && addDays(covered, policy.graceDays) >= (v.paidOn ?? today())) {
    await changeStatus(tx, p.id, "active", "arrears paid");
  }
  return saved;
}

export function recordContribution(ctx: MiCtx, input: ContributionInput) {
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const saved = await payContribution(tx, input);
    await audit(tx, ctx, "mi.contribution.pay", "mi_person", saved.personId, {
      period: saved.period,
    });
    return saved;
  });
}

/**
 * Suspends active persons whose coverage ended more than the scheme's grace period before `asOf`
 * (one statement per scheme; each change recorded in the status history). Returns the count.
 */
export function applyArrears(ctx: MiCtx, asOf: string = today()): Promise<number> {
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    let total = 0;
    for (const scheme of ["310", "390"] as const) {
      let grace: number;
      try {
        grace = (await policyFor(tx, scheme, asOf)).graceDays;
      } catch {
        continue; // no parameters for this scheme and year: nothing to enforce
      }
      const cutoff = addDays(asOf, -grace);
      const rows = await query(
        tx,
        sql`
        with s as (
          update ${miPersons} set status = 'suspended'
          where scheme = ${scheme} and status = 'active'
            and coalesce(covered_through, created_at::date) < ${cutoff}::date
          returning id)
        insert into ${miPersonStatusHistory} (person_id, status, reason)
        select id, 'suspended', 'arrears' from s returning person_id`,
      );
      total += rows.length;
    }
    await audit(tx, ctx, "mi.arrears.apply", "mi_person", "*", { asOf, suspended: total });
    return total;
  });
}
