import { writeAudit } from "@zhengyun/audit";
import { ConflictError, newId, ValidationError } from "@zhengyun/core";
import { type Database, platformSchema as p } from "@zhengyun/db";
import { withPlatform } from "@zhengyun/tenancy";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { type Actor, parseInput } from "../actor.ts";
import { auditActor, lockInvoice } from "../issue/load.ts";
import { invoiceBalances } from "./balance.ts";

export const bankTransferInput = z.strictObject({
  /** The bank's transaction reference, unique per tenant: recording it twice is refused. */
  reference: z.string().trim().min(3).max(100),
  amountFen: z.number().int().positive().safe(),
  receivedOn: z.iso.date(),
});
export type BankTransferInput = z.input<typeof bankTransferInput>;

/**
 * Finance records a bank transfer against an issued invoice; partial payments are fine, paying
 * more than the balance is refused (the excess would have nowhere to go).
 */
export async function recordBankTransfer(
  db: Database,
  invoiceId: string,
  input: BankTransferInput,
  actor: Actor,
) {
  const i = parseInput(bankTransferInput, input);
  return withPlatform(db, async (tx) => {
    const inv = await lockInvoice(tx, invoiceId);
    if (inv.status !== "issued") {
      throw new ConflictError(
        `Invoice ${invoiceId} is ${inv.status}; payments apply to issued invoices`,
      );
    }
    const dup = await tx
      .select({ id: p.payments.id })
      .from(p.payments)
      .where(
        and(
          eq(p.payments.tenantId, inv.tenantId),
          eq(p.payments.method, "bank_transfer"),
          eq(p.payments.reference, i.reference),
        ),
      );
    if (dup.length > 0) throw new ConflictError(`Transfer ${i.reference} is already recorded`);
    const [before] = await invoiceBalances(tx, { invoiceId });
    const balance = before?.balanceFen ?? 0;
    if (i.amountFen > balance) {
      throw new ValidationError(`The invoice's balance is ${balance} fen`, [
        { path: "amountFen", message: `at most ${balance} fen` },
      ]);
    }
    const id = newId("pay");
    await tx.insert(p.payments).values({
      id,
      tenantId: inv.tenantId,
      invoiceId,
      method: "bank_transfer",
      reference: i.reference,
      amountFen: i.amountFen,
      receivedOn: i.receivedOn,
      recordedBy: actor.actorId ?? null,
    });
    await writeAudit(tx, {
      ...auditActor(actor),
      tenantId: inv.tenantId,
      action: "billing.payment.record",
      objectType: "invoice",
      objectId: invoiceId,
      data: {
        paymentId: id,
        reference: i.reference,
        amountFen: i.amountFen,
        receivedOn: i.receivedOn,
      },
    });
    return { id, invoiceId, balanceFen: balance - i.amountFen };
  });
}
