import { NotFoundError } from "@zhengyun/core";
import { type Database, platformSchema } from "@zhengyun/db";
import { usageSeries } from "@zhengyun/metering";
import { withPlatform } from "@zhengyun/tenancy";
import { and, asc, eq } from "drizzle-orm";
import { periodOf } from "./period.ts";

const { invoices, invoiceLines, tenants } = platformSchema;

export interface InvoiceSummary {
  id: string;
  tenant: string;
  tenantName: string;
  period: string;
  status: platformSchema.InvoiceStatus;
  number: string | null;
  subtotalFen: number;
  taxFen: number;
  totalFen: number;
  flags: { code: string; detail: string }[];
}

const summaryColumns = {
  id: invoices.id,
  tenant: tenants.slug,
  tenantName: tenants.name,
  period: invoices.period,
  status: invoices.status,
  number: invoices.number,
  subtotalFen: invoices.subtotalFen,
  taxFen: invoices.taxFen,
  totalFen: invoices.totalFen,
  flags: invoices.flags,
};

/** Invoices of a period ("2026-10") with their anomaly flags, for finance's review. */
export async function listInvoices(db: Database, periodKey: string): Promise<InvoiceSummary[]> {
  const p = periodOf(periodKey);
  const rows = await withPlatform(db, (tx) =>
    tx
      .select(summaryColumns)
      .from(invoices)
      .innerJoin(tenants, eq(tenants.id, invoices.tenantId))
      .where(eq(invoices.period, p.start))
      .orderBy(asc(tenants.slug), asc(invoices.createdAt)),
  );
  return rows.map((r) => ({ ...r, period: r.period.slice(0, 7) }));
}

export interface InvoiceDetail extends InvoiceSummary {
  lines: (typeof invoiceLines.$inferSelect)[];
  /** Usage by day per metered line: the data behind finance's drill-down chart. */
  usageByDay: { meter: string; unit: string; points: { start: string; quantity: number }[] }[];
}

export async function getInvoice(db: Database, id: string): Promise<InvoiceDetail> {
  const { inv, lines } = await withPlatform(db, async (tx) => {
    const [inv] = await tx
      .select({ ...summaryColumns, tenantId: invoices.tenantId })
      .from(invoices)
      .innerJoin(tenants, eq(tenants.id, invoices.tenantId))
      .where(eq(invoices.id, id));
    if (!inv) throw new NotFoundError(`No invoice ${id}`);
    const lines = await tx
      .select()
      .from(invoiceLines)
      .where(and(eq(invoiceLines.invoiceId, id)))
      .orderBy(asc(invoiceLines.position));
    return { inv, lines };
  });
  const p = periodOf(inv.period.slice(0, 7));
  const last = new Date(Date.parse(`${p.end}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  const usageByDay = [];
  for (const meter of [...new Set(lines.flatMap((l) => (l.meter ? [l.meter] : [])))]) {
    const s = await usageSeries(db, {
      tenantId: inv.tenantId,
      meter,
      from: p.start,
      to: last,
      granularity: "day",
    });
    usageByDay.push({ meter, unit: s.unit, points: s.points });
  }
  const { tenantId: _, ...summary } = inv;
  return { ...summary, period: inv.period.slice(0, 7), lines, usageByDay };
}
