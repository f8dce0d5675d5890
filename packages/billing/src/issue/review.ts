import { writeAudit } from "@zhengyun/audit";
import { newId, PreconditionFailedError, ValidationError } from "@zhengyun/core";
import { type Database, platformSchema as p } from "@zhengyun/db";
import { withPlatform } from "@zhengyun/tenancy";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { type Actor, parseInput } from "../actor.ts";
import { taxOf } from "../money.ts";
import { assertEditable, auditActor, linesOf, lockInvoice, retotal } from "./load.ts";

export const adjustLineInput = z.strictObject({
  lineId: z.string().min(1),
  /** The line's new amount before tax, in fen (its tax is recomputed at the line's rate). */
  amountFen: z.number().int().safe(),
  reason: z.string().trim().min(2).max(500),
});
export type AdjustLineInput = z.input<typeof adjustLineInput>;

/**
 * Finance corrects a draft line, always with a reason: the adjustment row and a vendor-chain audit
 * record are written with it. An approved invoice goes back to draft (its approval covered other
 * amounts); issued and void invoices refuse (409).
 */
export async function adjustLine(
  db: Database,
  invoiceId: string,
  input: AdjustLineInput,
  actor: Actor,
) {
  const i = parseInput(adjustLineInput, input);
  return withPlatform(db, async (tx) => {
    const inv = await lockInvoice(tx, invoiceId);
    assertEditable(inv);
    const line = (await linesOf(tx, invoiceId)).find((l) => l.id === i.lineId);
    if (!line) throw new ValidationError(`No line ${i.lineId} on invoice ${invoiceId}`);
    const taxFen = taxOf(i.amountFen, line.taxRateBp);
    const adj = {
      id: newId("adj"),
      invoiceId,
      lineId: line.id,
      deltaFen: i.amountFen - line.amountFen,
      taxDeltaFen: taxFen - line.taxFen,
      reason: i.reason,
      actorId: actor.actorId ?? "system",
    };
    await tx.insert(p.invoiceAdjustments).values(adj);
    await tx
      .update(p.invoiceLines)
      .set({ amountFen: i.amountFen, taxFen })
      .where(eq(p.invoiceLines.id, line.id));
    await retotal(tx, invoiceId);
    await tx
      .update(p.invoices)
      .set({ status: "draft", approvedAt: null, approvedBy: null })
      .where(eq(p.invoices.id, invoiceId));
    await writeAudit(tx, {
      ...auditActor(actor),
      tenantId: inv.tenantId,
      action: "billing.invoice.adjust",
      objectType: "invoice",
      objectId: invoiceId,
      data: { ...adj, before: { amountFen: line.amountFen, taxFen: line.taxFen } },
    });
    return adj;
  });
}

/** Draft → approved; approving twice is a no-op. */
export async function approveInvoice(db: Database, invoiceId: string, actor: Actor, now: Date) {
  return withPlatform(db, async (tx) => {
    const inv = await lockInvoice(tx, invoiceId);
    assertEditable(inv);
    if (inv.status === "approved") return { id: invoiceId, status: "approved" as const };
    if (inv.totalFen < 0) {
      throw new PreconditionFailedError(`Invoice ${invoiceId} has a negative total`);
    }
    await tx
      .update(p.invoices)
      .set({
        status: "approved",
        approvedAt: now,
        approvedBy: actor.actorId ?? null,
        updatedAt: now,
      })
      .where(eq(p.invoices.id, invoiceId));
    await writeAudit(tx, {
      ...auditActor(actor),
      tenantId: inv.tenantId,
      action: "billing.invoice.approve",
      objectType: "invoice",
      objectId: invoiceId,
      data: { totalFen: inv.totalFen },
    });
    return { id: invoiceId, status: "approved" as const };
  });
}
