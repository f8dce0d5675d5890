import { ConflictError, NotFoundError } from "@zhengyun/core";
import { platformSchema as p, type Tx } from "@zhengyun/db";
import { asc, eq, sql } from "drizzle-orm";
import type { Actor } from "../actor.ts";

/** Loads an invoice row locked for this transaction (concurrent reviewers take turns). */
export async function lockInvoice(tx: Tx, id: string) {
  const [inv] = await tx.select().from(p.invoices).where(eq(p.invoices.id, id)).for("update");
  if (!inv) throw new NotFoundError(`No invoice ${id}`);
  return inv;
}

export const linesOf = (tx: Tx, invoiceId: string) =>
  tx
    .select()
    .from(p.invoiceLines)
    .where(eq(p.invoiceLines.invoiceId, invoiceId))
    .orderBy(asc(p.invoiceLines.position));

/** Issued and voided invoices are frozen: corrections go through credit notes. */
export function assertEditable(inv: { id: string; status: string }): void {
  if (inv.status === "issued" || inv.status === "void") {
    throw new ConflictError(
      `Invoice ${inv.id} is ${inv.status} and can no longer be changed; issue a credit note instead`,
    );
  }
}

/** Recomputes an invoice's totals as the sums of its lines. */
export async function retotal(tx: Tx, invoiceId: string): Promise<void> {
  await tx.execute(sql`
    update ${p.invoices} i set
      subtotal_fen = s.amount, tax_fen = s.tax, total_fen = s.amount + s.tax, updated_at = now()
    from (select coalesce(sum(amount_fen), 0)::bigint amount, coalesce(sum(tax_fen), 0)::bigint tax
          from ${p.invoiceLines} where invoice_id = ${invoiceId}) s
    where i.id = ${invoiceId}`);
}

/** The audit fields of the acting finance user (the CLI acts as nobody in particular). */
export const auditActor = (a: Actor) => ({
  actorId: a.actorId ?? null,
  actorRole: a.actorRole ?? "finance",
  requestId: a.requestId ?? null,
});
