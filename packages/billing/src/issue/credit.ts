import { writeAudit } from "@zhengyun/audit";
import { ConflictError, newId, ValidationError } from "@zhengyun/core";
import { type Database, platformSchema as p } from "@zhengyun/db";
import { withPlatform } from "@zhengyun/tenancy";
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { type Actor, parseInput } from "../actor.ts";
import { taxOf } from "../money.ts";
import type { BillingDocument, DocumentLine } from "../pdf/view.ts";
import { SELLER, tenantParty } from "./document.ts";
import { auditActor, linesOf, lockInvoice } from "./load.ts";
import { nextNumber } from "./numbering.ts";

export const creditNoteInput = z.strictObject({
  reason: z.string().trim().min(2).max(500),
  /** Omitted: credit everything not yet credited. Otherwise amounts before tax per invoice line. */
  lines: z
    .array(
      z.strictObject({ lineId: z.string().min(1), amountFen: z.number().int().positive().safe() }),
    )
    .min(1)
    .optional(),
});
export type CreditNoteInput = z.input<typeof creditNoteInput>;

/**
 * Corrects an issued invoice with a credit note (full or partial) numbered in its own gapless
 * series, issued at once. A line can never be credited beyond its amount: what earlier credit
 * notes took is subtracted; crediting a line's whole remainder also takes its whole remaining tax,
 * so a full credit always cancels the invoice to the fen.
 */
export async function issueCreditNote(
  db: Database,
  invoiceId: string,
  input: CreditNoteInput,
  actor: Actor,
  now: Date,
): Promise<BillingDocument> {
  const i = parseInput(creditNoteInput, input);
  return withPlatform(db, async (tx) => {
    const inv = await lockInvoice(tx, invoiceId);
    if (inv.status !== "issued" || !inv.number) {
      throw new ConflictError(
        `Invoice ${invoiceId} is ${inv.status}; only issued invoices take credit notes`,
      );
    }
    const credited = await tx
      .select({
        lineId: p.creditNoteLines.invoiceLineId,
        amount: sql<string>`sum(${p.creditNoteLines.amountFen})`,
        tax: sql<string>`sum(${p.creditNoteLines.taxFen})`,
      })
      .from(p.creditNoteLines)
      .innerJoin(p.creditNotes, eq(p.creditNotes.id, p.creditNoteLines.creditNoteId))
      .where(and(eq(p.creditNotes.invoiceId, invoiceId), eq(p.creditNotes.status, "issued")))
      .groupBy(p.creditNoteLines.invoiceLineId);
    const taken = new Map(
      credited.map((c) => [c.lineId, { a: Number(c.amount), t: Number(c.tax) }]),
    );
    const lines = await linesOf(tx, invoiceId);
    const wanted = i.lines ?? lines.map((l) => ({ lineId: l.id, amountFen: 0 }));
    const out: (DocumentLine & { lineId: string })[] = [];
    for (const w of wanted) {
      const l = lines.find((x) => x.id === w.lineId);
      if (!l) throw new ValidationError(`No line ${w.lineId} on invoice ${invoiceId}`);
      const prev = taken.get(l.id) ?? { a: 0, t: 0 };
      const left = { a: l.amountFen - prev.a, t: l.taxFen - prev.t };
      const amount = i.lines ? w.amountFen : left.a;
      if (amount === 0 && !i.lines) continue;
      if (amount > left.a) {
        throw new ValidationError(`Line ${l.id} has only ${left.a} fen left to credit`, [
          { path: "lines", message: `at most ${left.a} fen for line ${l.id}` },
        ]);
      }
      const tax = amount === left.a ? left.t : taxOf(amount, l.taxRateBp);
      out.push({
        lineId: l.id,
        position: out.length + 1,
        kind: "credit",
        description: `冲减：${l.description}`,
        quantity: "1",
        unitPriceFen: String(amount),
        amountFen: amount,
        taxRateBp: l.taxRateBp,
        taxFen: tax,
      });
    }
    if (out.length === 0) throw new ConflictError(`Invoice ${invoiceId} is already fully credited`);
    const id = newId("cn");
    const number = await nextNumber(tx, "CN", now);
    const subtotalFen = out.reduce((s, l) => s + l.amountFen, 0);
    const taxFen = out.reduce((s, l) => s + l.taxFen, 0);
    const doc: BillingDocument = {
      type: "credit_note",
      id,
      number,
      invoiceNumber: inv.number,
      reason: i.reason,
      tenant: await tenantParty(tx, inv.tenantId),
      seller: SELLER,
      issuedAt: now.toISOString(),
      currency: "CNY",
      lines: out.map(({ lineId: _, ...l }) => l),
      subtotalFen,
      taxFen,
      totalFen: subtotalFen + taxFen,
    };
    await tx.insert(p.creditNotes).values({
      id,
      invoiceId,
      tenantId: inv.tenantId,
      number,
      status: "issued",
      reason: i.reason,
      subtotalFen,
      taxFen,
      totalFen: subtotalFen + taxFen,
      snapshot: doc,
      createdBy: actor.actorId ?? null,
      issuedAt: now,
    });
    await tx.insert(p.creditNoteLines).values(
      out.map((l) => ({
        id: newId("cnl"),
        creditNoteId: id,
        invoiceLineId: l.lineId,
        position: l.position,
        description: l.description,
        amountFen: l.amountFen,
        taxRateBp: l.taxRateBp,
        taxFen: l.taxFen,
      })),
    );
    await writeAudit(tx, {
      ...auditActor(actor),
      tenantId: inv.tenantId,
      action: "billing.credit_note.issue",
      objectType: "credit_note",
      objectId: id,
      data: {
        number,
        invoiceId,
        invoiceNumber: inv.number,
        totalFen: doc.totalFen,
        reason: i.reason,
      },
    });
    return doc;
  });
}
