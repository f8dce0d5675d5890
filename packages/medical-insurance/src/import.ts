import { auditBatch } from "@zhengyun/audit";
import { isDomainError, ValidationError } from "@zhengyun/core";
import type { Tx } from "@zhengyun/db";
import { withTenant } from "@zhengyun/tenancy";
import { eq } from "drizzle-orm";
import type { MiCtx } from "./context.ts";
import { payContribution } from "./contributions.ts";
import { parseCsv, type RowError, rowIssues } from "./csv.ts";
import { parseNationalId } from "./national-id.ts";
import { checkPerson, insertPerson } from "./persons.ts";
import { miPersons } from "./schema.ts";

export interface ImportReport {
  rows: number;
  imported: number;
  rejected: number;
  errors: RowError[];
}

const MAX_ROWS = 50000;

/**
 * Imports CSV rows one by one in one transaction: a bad row is reported (line, field, message) and
 * skipped, the good ones are kept. Each row's verb fails before writing or writes nothing (insert
 * … on conflict do nothing), so a rejected row never aborts the transaction.
 */
async function importRows(
  ctx: MiCtx,
  csv: string,
  kind: string,
  required: string[],
  row: (tx: Tx, r: Record<string, string>) => Promise<unknown>,
): Promise<ImportReport> {
  const records = parseCsv(csv);
  if (records.length > MAX_ROWS) {
    throw new ValidationError(`At most ${MAX_ROWS} rows per file`, [
      { path: "file", message: "too many rows" },
    ]);
  }
  const missing = required.filter((k) => records[0] && !(k in records[0].record));
  if (records.length === 0 || missing.length > 0) {
    throw new ValidationError(`The CSV needs a header with ${required.join(", ")}`, [
      {
        path: "file",
        message: missing.length ? `missing columns: ${missing.join(", ")}` : "no rows",
      },
    ]);
  }
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const report: ImportReport = { rows: records.length, imported: 0, rejected: 0, errors: [] };
    for (const { line, record } of records) {
      try {
        await row(tx, record);
        report.imported++;
      } catch (e) {
        if (!isDomainError(e)) throw e;
        report.rejected++;
        report.errors.push({ line, errors: rowIssues(e) });
      }
    }
    await auditBatch(tx, {
      actorId: ctx.actorId ?? null,
      actorRole: ctx.actorRole ?? null,
      tenantId: ctx.tenant.id,
      action: `mi.import.${kind}`,
      objectType: "mi_import",
      requestId: ctx.requestId ?? null,
      counts: { rows: report.rows, imported: report.imported, rejected: report.rejected },
      input: csv,
    });
    return report;
  });
}

/** Columns: national_id, name, scheme, employment, employer_code (employees). */
export async function importPersonsCsv(ctx: MiCtx, csv: string): Promise<ImportReport> {
  return importRows(ctx, csv, "persons", ["national_id", "name", "scheme"], async (tx, r) => {
    const checked = await checkPerson(tx, {
      nationalId: r.national_id ?? "",
      name: r.name ?? "",
      scheme: r.scheme as "310",
      employment: (r.employment || "in_service") as "in_service",
      ...(r.employer_code ? { employerCode: r.employer_code } : {}),
    });
    await insertPerson(tx, checked);
  });
}

/** Columns: national_id, period (YYYY-MM or YYYY), declared_base (fen, employees), paid_on. */
export async function importContributionsCsv(ctx: MiCtx, csv: string): Promise<ImportReport> {
  return importRows(ctx, csv, "contributions", ["national_id", "period"], async (tx, r) => {
    const id = parseNationalId(r.national_id ?? "").id;
    const [p] = await tx
      .select({ id: miPersons.id })
      .from(miPersons)
      .where(eq(miPersons.nationalId, id));
    if (!p) {
      throw new ValidationError("Unknown insured person", [
        { path: "national_id", message: "not registered" },
      ]);
    }
    const base = r.declared_base ? Number(r.declared_base) : undefined;
    await payContribution(tx, {
      personId: p.id,
      period: r.period ?? "",
      ...(base !== undefined ? { declaredBase: base } : {}),
      ...(r.paid_on ? { paidOn: r.paid_on } : {}),
    });
  });
}
