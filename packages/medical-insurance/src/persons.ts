import { ConflictError, NotFoundError, newId, ValidationError } from "@zhengyun/core";
import type { Tx } from "@zhengyun/db";
import { withTenant } from "@zhengyun/tenancy";
import { asc, desc, eq, ilike, or } from "drizzle-orm";
import { z } from "zod";
import { audit, type MiCtx, parseInput } from "./context.ts";
import { maskNationalId, parseNationalId } from "./national-id.ts";
import {
  type MiPerson,
  miAccumulators,
  miContributions,
  miEmployers,
  miPersonStatusHistory,
  miPersons,
  miSettlements,
} from "./schema.ts";

export const personInput = z.object({
  nationalId: z.string().min(1).max(32),
  name: z.string().min(1).max(100),
  scheme: z.enum(["310", "390"]),
  employment: z.enum(["in_service", "retired"]).default("in_service"),
  employerCode: z.string().min(1).max(40).optional(),
  /** Cross-checked against the ID when given. */
  sex: z.enum(["M", "F"]).optional(),
  birthDate: z.string().optional(),
});
export type PersonInput = z.input<typeof personInput>;

export const employerInput = z.object({
  code: z.string().regex(/^[A-Z0-9]{4,40}$/),
  name: z.string().min(1).max(200),
});

export async function registerEmployer(ctx: MiCtx, input: z.input<typeof employerInput>) {
  const v = parseInput(employerInput, input);
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const [row] = await tx
      .insert(miEmployers)
      .values({ id: newId("mie"), ...v })
      .onConflictDoUpdate({ target: miEmployers.code, set: { name: v.name } })
      .returning();
    await audit(tx, ctx, "mi.employer.upsert", "mi_employer", v.code);
    return row as typeof miEmployers.$inferSelect;
  });
}

/** Validates a person row (ID checksum, derived sex and birth date, employer) without writing. */
export async function checkPerson(tx: Tx, input: PersonInput) {
  const v = parseInput(personInput, input);
  const id = parseNationalId(v.nationalId);
  if (v.sex && v.sex !== id.sex) {
    throw new ValidationError("Sex does not match the national ID", [
      { path: "sex", message: `the ID says ${id.sex}` },
    ]);
  }
  if (v.birthDate && v.birthDate !== id.birthDate) {
    throw new ValidationError("Birth date does not match the national ID", [
      { path: "birthDate", message: `the ID says ${id.birthDate}` },
    ]);
  }
  let employerId: string | null = null;
  if (v.scheme === "310") {
    if (!v.employerCode) {
      throw new ValidationError("An employee needs an employer", [
        { path: "employerCode", message: "required for scheme 310" },
      ]);
    }
    const [e] = await tx
      .select({ id: miEmployers.id })
      .from(miEmployers)
      .where(eq(miEmployers.code, v.employerCode));
    if (!e) {
      throw new ValidationError(`Unknown employer "${v.employerCode}"`, [
        { path: "employerCode", message: "no such employer" },
      ]);
    }
    employerId = e.id;
  }
  return {
    id: newId("psn"),
    nationalId: id.id,
    name: v.name,
    sex: id.sex,
    birthDate: id.birthDate,
    scheme: v.scheme,
    employment: v.employment,
    employerId,
  };
}

/** Inserts a checked person; a national ID already registered is a conflict. */
export async function insertPerson(tx: Tx, row: Awaited<ReturnType<typeof checkPerson>>) {
  const [p] = await tx.insert(miPersons).values(row).onConflictDoNothing().returning();
  if (!p) throw new ConflictError("This national ID is already registered");
  await tx
    .insert(miPersonStatusHistory)
    .values({ personId: p.id, status: "active", reason: "registered" });
  return p;
}

export function registerPerson(ctx: MiCtx, input: PersonInput): Promise<MiPerson> {
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const p = await insertPerson(tx, await checkPerson(tx, input));
    await audit(tx, ctx, "mi.person.register", "mi_person", p.id, { scheme: p.scheme });
    return p;
  });
}

/** A person as lists show them: the national ID masked. */
export const maskedPerson = (p: MiPerson) => ({
  id: p.id,
  nationalId: maskNationalId(p.nationalId),
  name: p.name,
  sex: p.sex,
  scheme: p.scheme,
  employment: p.employment,
  status: p.status,
});
export type MaskedPerson = ReturnType<typeof maskedPerson>;

/** Search by name fragment, exact national ID or person id; results masked, the search audited. */
export function searchPersons(ctx: MiCtx, q: string, limit = 50): Promise<MaskedPerson[]> {
  const term = q.trim();
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const rows = await tx
      .select()
      .from(miPersons)
      .where(
        or(
          eq(miPersons.nationalId, term.toUpperCase()),
          eq(miPersons.id, term),
          ilike(miPersons.name, `%${term.replace(/[%_\\]/g, "\\$&")}%`),
        ),
      )
      .orderBy(asc(miPersons.name), asc(miPersons.id))
      .limit(Math.min(Math.max(limit, 1), 200));
    await audit(tx, ctx, "mi.person.search", "mi_person", "*", { results: rows.length });
    return rows.map(maskedPerson);
  });
}

/** One person's record (masked ID, history, contributions, accumulators, settlements); audited. */
export function getPersonRecord(ctx: MiCtx, personId: string) {
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const [p] = await tx.select().from(miPersons).where(eq(miPersons.id, personId));
    if (!p) throw new NotFoundError(`No insured person "${personId}"`);
    const [history, contributions, accumulators, settlements] = await Promise.all([
      tx
        .select()
        .from(miPersonStatusHistory)
        .where(eq(miPersonStatusHistory.personId, p.id))
        .orderBy(asc(miPersonStatusHistory.seq)),
      tx
        .select()
        .from(miContributions)
        .where(eq(miContributions.personId, p.id))
        .orderBy(desc(miContributions.period))
        .limit(36),
      tx
        .select()
        .from(miAccumulators)
        .where(eq(miAccumulators.personId, p.id))
        .orderBy(desc(miAccumulators.year)),
      tx
        .select()
        .from(miSettlements)
        .where(eq(miSettlements.personId, p.id))
        .orderBy(desc(miSettlements.settledAt))
        .limit(100),
    ]);
    await audit(tx, ctx, "mi.person.read", "mi_person", p.id);
    return {
      person: {
        ...maskedPerson(p),
        birthDate: p.birthDate,
        accountBalance: p.accountBalance,
        coveredThrough: p.coveredThrough,
      },
      history: history.map((h) => ({ status: h.status, reason: h.reason, at: h.at })),
      contributions,
      accumulators,
      settlements,
    };
  });
}

/** Changes a person's status and records it in the history (same transaction). */
export async function changeStatus(
  tx: Tx,
  personId: string,
  status: MiPerson["status"],
  reason: string,
): Promise<void> {
  await tx.update(miPersons).set({ status }).where(eq(miPersons.id, personId));
  await tx.insert(miPersonStatusHistory).values({ personId, status, reason });
}

export function setPersonStatus(
  ctx: MiCtx,
  personId: string,
  status: MiPerson["status"],
  reason: string,
) {
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const [p] = await tx.select().from(miPersons).where(eq(miPersons.id, personId)).for("update");
    if (!p) throw new NotFoundError(`No insured person "${personId}"`);
    if (p.status === "terminated") throw new ConflictError("A terminated person stays terminated");
    if (p.status !== status) await changeStatus(tx, personId, status, reason);
    await audit(tx, ctx, "mi.person.status", "mi_person", personId, { status, reason });
    return { ...p, status };
  });
}
