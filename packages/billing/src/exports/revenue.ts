import { type Database, platformSchema as p, query } from "@zhengyun/db";
import { withPlatform } from "@zhengyun/tenancy";
import { sql } from "drizzle-orm";
import { periodOf } from "../period.ts";

export interface RevenueRow {
  /** "2026-10": the billed month. */
  month: string;
  /** The module for rental and usage lines; null for equipment and one-off fees. */
  module: string | null;
  /** rental, usage, equipment, one_off or adjustment. */
  feeType: string;
  invoicedFen: number;
  creditedFen: number;
  /** invoiced − credited, before tax. */
  netFen: number;
  taxFen: number;
}

/**
 * Revenue of issued invoices by billed month, module and fee type, net of credit notes (a credit
 * counts in the month and category of the line it corrects). Months [from, to] inclusive.
 */
export async function revenueSummary(
  db: Database,
  from: string,
  to: string,
): Promise<RevenueRow[]> {
  const start = periodOf(from).start;
  const end = periodOf(to).end;
  const rows = await withPlatform(db, (tx) =>
    query<Record<string, string | null>>(
      tx,
      sql`with lines as (
            select i.period, l.module, l.kind::text as kind, l.amount_fen as amount,
                   0::bigint as credited, l.tax_fen as tax
            from ${p.invoices} i join ${p.invoiceLines} l on l.invoice_id = i.id
            where i.status = 'issued' and i.period >= ${start} and i.period < ${end}
            union all
            select i.period, l.module, l.kind::text, 0, c.amount_fen, -c.tax_fen
            from ${p.creditNoteLines} c
            join ${p.creditNotes} n on n.id = c.credit_note_id and n.status = 'issued'
            join ${p.invoiceLines} l on l.id = c.invoice_line_id
            join ${p.invoices} i on i.id = l.invoice_id
            where i.status = 'issued' and i.period >= ${start} and i.period < ${end})
          select to_char(period, 'YYYY-MM') as month, module, kind,
                 sum(amount)::text as invoiced, sum(credited)::text as credited, sum(tax)::text as tax
          from lines group by 1, 2, 3 order by 1, 2 nulls last, 3`,
    ),
  );
  return rows.map((r) => ({
    month: String(r.month),
    module: r.module ?? null,
    feeType: String(r.kind),
    invoicedFen: Number(r.invoiced),
    creditedFen: Number(r.credited),
    netFen: Number(r.invoiced) - Number(r.credited),
    taxFen: Number(r.tax),
  }));
}
