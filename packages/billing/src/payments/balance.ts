import { type Database, platformSchema as p, query, type Tx } from "@zhengyun/db";
import { withPlatform } from "@zhengyun/tenancy";
import { sql } from "drizzle-orm";
import { loadTenant } from "../actor.ts";

export interface InvoiceBalance {
  invoiceId: string;
  tenantId: string;
  number: string;
  totalFen: number;
  creditedFen: number;
  paidFen: number;
  /** total − credit notes − payments; what the tenant still owes on this invoice. */
  balanceFen: number;
  dueOn: string | null;
}

/** Balances of issued invoices (of one tenant, or one invoice); unpaid only on request. */
export async function invoiceBalances(
  tx: Tx,
  filter: { tenantId?: string; invoiceId?: string; unpaidOnly?: boolean },
): Promise<InvoiceBalance[]> {
  const rows = await query<Record<string, string | null>>(
    tx,
    sql`
    select i.id, i.tenant_id, i.number, i.total_fen, i.due_on,
      coalesce((select sum(c.total_fen) from ${p.creditNotes} c
                where c.invoice_id = i.id and c.status = 'issued'), 0)::text as credited,
      coalesce((select sum(y.amount_fen) from ${p.payments} y where y.invoice_id = i.id), 0)::text as paid
    from ${p.invoices} i
    where i.status = 'issued'
      ${filter.tenantId ? sql`and i.tenant_id = ${filter.tenantId}` : sql``}
      ${filter.invoiceId ? sql`and i.id = ${filter.invoiceId}` : sql``}
    order by i.issued_at, i.id`,
  );
  const out = rows.map((r) => {
    const total = Number(r.total_fen);
    const credited = Number(r.credited);
    const paid = Number(r.paid);
    return {
      invoiceId: String(r.id),
      tenantId: String(r.tenant_id),
      number: String(r.number),
      totalFen: total,
      creditedFen: credited,
      paidFen: paid,
      balanceFen: total - credited - paid,
      dueOn: r.due_on == null ? null : String(r.due_on).slice(0, 10),
    };
  });
  return filter.unpaidOnly ? out.filter((b) => b.balanceFen > 0) : out;
}

export interface TenantBalance {
  tenantId: string;
  outstandingFen: number;
  invoices: InvoiceBalance[];
}

/** What one tenant (id or slug) owes across its issued invoices; 404 for an unknown tenant. */
export async function tenantBalance(db: Database, tenantRef: string): Promise<TenantBalance> {
  return withPlatform(db, async (tx) => {
    const { id: tenantId } = await loadTenant(tx, tenantRef);
    const invoices = await invoiceBalances(tx, { tenantId });
    return {
      tenantId,
      outstandingFen: invoices.reduce((s, b) => s + b.balanceFen, 0),
      invoices,
    };
  });
}
