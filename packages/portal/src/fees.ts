import { writeAudit } from "@zhengyun/audit";
import { ConflictError, humanCode, NotFoundError } from "@zhengyun/core";
import type { Tx } from "@zhengyun/db";
import { withTenant } from "@zhengyun/tenancy";
import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import { auditActor, nowOf, type PortalCtx, parse } from "./context.ts";
import { portalApplications } from "./schema.ts";
import { portalPayments } from "./schema-service.ts";

/**
 * Where a payment order is paid. The counter/bank-transfer provider needs nothing online; an online
 * provider (UnionPay, a bank's gateway) implements `start` and confirms through its callback.
 */
export interface PaymentProvider {
  name: string;
  /** What the applicant is shown to pay: a URL for an online provider, else instructions. */
  start(order: {
    reference: string;
    amountFen: number;
  }): Promise<{ payUrl?: string; instructions?: string }>;
}

export const counterProvider: PaymentProvider = {
  name: "counter",
  start: async (o) => ({
    instructions: `请在窗口或通过银行转账缴费，附言填写缴费编号 ${o.reference}`,
  }),
};

/** A payment order inside the application's transaction, when its item carries a fee. */
export async function openPaymentOrder(
  tx: Tx,
  applicationId: number,
  amountFen: number,
  now: Date,
  provider = counterProvider,
) {
  const [row] = await tx
    .insert(portalPayments)
    .values({
      reference: `PAY${humanCode(12)}`,
      applicationId,
      amountFen,
      provider: provider.name,
      state: "pending",
      createdAt: now,
    })
    .returning();
  return row;
}

export const confirmInput = z
  .object({
    method: z.enum(["counter", "bank"]),
    bankReference: z.string().trim().min(1).max(100).optional(),
  })
  .refine((i) => i.method !== "bank" || i.bankReference, {
    message: "a bank transfer needs its reference",
    path: ["bankReference"],
  });

/** Staff confirm a payment at the counter or by the bank's transfer reference. */
export async function confirmPayment({
  ctx,
  reference,
  input,
}: {
  ctx: PortalCtx;
  reference: string;
  input: unknown;
}) {
  const i = parse(confirmInput, input);
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const [p] = await tx
      .select()
      .from(portalPayments)
      .where(eq(portalPayments.reference, reference));
    if (!p) throw new NotFoundError(`No payment order ${reference}`);
    if (p.state === "paid") throw new ConflictError("This order is already paid");
    const now = nowOf(ctx);
    const [row] = await tx
      .update(portalPayments)
      .set({
        state: "paid",
        method: i.method,
        bankReference: i.bankReference ?? null,
        confirmedBy: ctx.actor?.id ?? null,
        paidAt: now,
      })
      .where(eq(portalPayments.id, p.id))
      .returning();
    await writeAudit(tx, {
      ...auditActor(ctx),
      action: "portal.payment.confirm",
      objectType: "portal_payment",
      objectId: reference,
      data: { method: i.method, amountFen: p.amountFen },
    });
    return row;
  });
}

export async function paymentOf(ctx: PortalCtx, applicationId: number) {
  const [p] = await withTenant(ctx.db, ctx.tenant, (tx) =>
    tx.select().from(portalPayments).where(eq(portalPayments.applicationId, applicationId)),
  );
  return p ?? null;
}

/** Payment orders for the staff's confirmation page: pending first, then the latest paid. */
export async function paymentQueue(ctx: PortalCtx) {
  const rows = await withTenant(ctx.db, ctx.tenant, (tx) =>
    tx
      .select({
        reference: portalPayments.reference,
        applicationId: portalPayments.applicationId,
        tracking: portalApplications.tracking,
        applicantName: portalApplications.applicantName,
        amountFen: portalPayments.amountFen,
        state: portalPayments.state,
        method: portalPayments.method,
        bankReference: portalPayments.bankReference,
        paidAt: portalPayments.paidAt,
        createdAt: portalPayments.createdAt,
      })
      .from(portalPayments)
      .innerJoin(portalApplications, eq(portalApplications.id, portalPayments.applicationId))
      .orderBy(desc(portalPayments.createdAt))
      .limit(500),
  );
  return [...rows.filter((r) => r.state === "pending"), ...rows.filter((r) => r.state === "paid")];
}
