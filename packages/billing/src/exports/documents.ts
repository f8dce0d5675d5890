import { NotFoundError, PreconditionFailedError } from "@zhengyun/core";
import { type Database, platformSchema as p } from "@zhengyun/db";
import { withPlatform } from "@zhengyun/tenancy";
import { eq } from "drizzle-orm";
import { renderDocumentPdf } from "../pdf/render.ts";
import type { BillingDocument } from "../pdf/view.ts";

/** The frozen document of an issued invoice (`inv_…`) or credit note (`cn_…`). */
export async function issuedDocument(db: Database, id: string): Promise<BillingDocument> {
  const row = await withPlatform(db, async (tx) => {
    if (id.startsWith("cn_")) {
      const [cn] = await tx.select().from(p.creditNotes).where(eq(p.creditNotes.id, id));
      return cn && { status: cn.status, snapshot: cn.snapshot };
    }
    const [inv] = await tx.select().from(p.invoices).where(eq(p.invoices.id, id));
    return inv && { status: inv.status, snapshot: inv.snapshot };
  });
  if (!row) throw new NotFoundError(`No invoice or credit note ${id}`);
  if (!row.snapshot) throw new PreconditionFailedError(`${id} is ${row.status}, not issued`);
  return row.snapshot as BillingDocument;
}

/** The PDF is drawn from the frozen snapshot, so every download shows the document as issued. */
export async function documentPdf(db: Database, id: string) {
  const doc = await issuedDocument(db, id);
  return { number: doc.number, pdf: await renderDocumentPdf(doc) };
}
