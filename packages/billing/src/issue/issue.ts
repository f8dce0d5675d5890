import { writeAudit } from "@zhengyun/audit";
import { PreconditionFailedError } from "@zhengyun/core";
import { type Database, platformSchema as p } from "@zhengyun/db";
import { withPlatform } from "@zhengyun/tenancy";
import { eq } from "drizzle-orm";
import type { Actor } from "../actor.ts";
import type { BillingDocument } from "../pdf/view.ts";
import { SELLER, tenantParty, toDocumentLine } from "./document.ts";
import { assertEditable, auditActor, linesOf, lockInvoice } from "./load.ts";
import { nextNumber } from "./numbering.ts";

/** Days from issue to the payment deadline. */
export const PAYMENT_TERM_DAYS = 30;

/**
 * Approved → issued, in one transaction: the next number of the yearly series (the counter row
 * stays locked until commit), the frozen snapshot (the document the JSON and the PDF render) and a
 * vendor-chain audit record. Issuing again is a 409, like any change to an issued invoice.
 */
export async function issueInvoice(
  db: Database,
  invoiceId: string,
  actor: Actor,
  now: Date,
): Promise<BillingDocument> {
  return withPlatform(db, async (tx) => {
    const inv = await lockInvoice(tx, invoiceId);
    assertEditable(inv);
    if (inv.status !== "approved") {
      throw new PreconditionFailedError(
        `Invoice ${invoiceId} must be approved before it is issued`,
      );
    }
    const number = await nextNumber(tx, "INV", now);
    const dueOn = new Date(now.getTime() + PAYMENT_TERM_DAYS * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const lines = await linesOf(tx, invoiceId);
    const doc: BillingDocument = {
      type: "invoice",
      id: inv.id,
      number,
      tenant: await tenantParty(tx, inv.tenantId),
      seller: SELLER,
      period: inv.period,
      issuedAt: now.toISOString(),
      dueOn,
      currency: "CNY",
      lines: lines.map(toDocumentLine),
      subtotalFen: inv.subtotalFen,
      taxFen: inv.taxFen,
      totalFen: inv.totalFen,
    };
    await tx
      .update(p.invoices)
      .set({
        status: "issued",
        number,
        snapshot: doc,
        dueOn,
        issuedAt: now,
        issuedBy: actor.actorId ?? null,
        updatedAt: now,
      })
      .where(eq(p.invoices.id, invoiceId));
    await writeAudit(tx, {
      ...auditActor(actor),
      tenantId: inv.tenantId,
      action: "billing.invoice.issue",
      objectType: "invoice",
      objectId: invoiceId,
      data: { number, totalFen: inv.totalFen, dueOn },
    });
    return doc;
  });
}
