import { type Database, platformSchema as p, query } from "@zhengyun/db";
import { withPlatform } from "@zhengyun/tenancy";
import { sql } from "drizzle-orm";
import { periodOf } from "../period.ts";
import { csvRow } from "./csv.ts";

const HEADER = [
  "invoice_id",
  "invoice_number",
  "status",
  "tenant",
  "period",
  "position",
  "kind",
  "module",
  "meter",
  "description",
  "quantity",
  "unit_price_fen",
  "amount_fen",
  "tax_rate_bp",
  "tax_fen",
];

/** Every line of the period's live invoices (drafts included, with their status), as CSV. */
export async function invoiceLinesCsv(db: Database, periodKey: string): Promise<string> {
  const period = periodOf(periodKey);
  const rows = await withPlatform(db, (tx) =>
    query<Record<string, string | number | null>>(
      tx,
      sql`select i.id, i.number, i.status, t.slug, to_char(i.period, 'YYYY-MM') as period,
            l.position, l.kind, l.module, l.meter, l.description, l.quantity::text as quantity,
            l.unit_price_fen::text as unit_price, l.amount_fen::text as amount, l.tax_rate_bp,
            l.tax_fen::text as tax
          from ${p.invoices} i
          join ${p.invoiceLines} l on l.invoice_id = i.id
          join ${p.tenants} t on t.id = i.tenant_id
          where i.period = ${period.start} and i.status <> 'void'
          order by t.slug, l.position`,
    ),
  );
  let out = csvRow(HEADER);
  for (const r of rows) {
    out += csvRow([
      r.id,
      r.number,
      r.status,
      r.slug,
      r.period,
      r.position,
      r.kind,
      r.module,
      r.meter,
      r.description,
      r.quantity,
      r.unit_price,
      r.amount,
      r.tax_rate_bp,
      r.tax,
    ]);
  }
  return out;
}
