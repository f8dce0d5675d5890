import { writeAudit } from "@zhengyun/audit";
import { type Clock, newId, systemClock, ValidationError } from "@zhengyun/core";
import { type Database, platformSchema as p } from "@zhengyun/db";
import { withPlatform } from "@zhengyun/tenancy";
import { and, eq, gt } from "drizzle-orm";
import Stripe from "stripe";
import { WEBHOOK_TOLERANCE_SECONDS } from "./client.ts";

export const HANDLED_EVENTS = ["invoice.paid", "invoice.payment_failed", "invoice.voided"] as const;

export interface WebhookOutcome {
  eventId: string;
  type: string;
  /** applied: effects written; duplicate: seen before; ignored: unknown type or invoice; stale: an
   * older event than one already applied for the same Stripe invoice. */
  result: "applied" | "duplicate" | "ignored" | "stale";
  invoiceId?: string;
}

/**
 * Verifies a webhook's raw body against its `Stripe-Signature` header (HMAC with the endpoint
 * secret, timestamp at most 300 s old by the given clock). Anything wrong is a ValidationError (400),
 * before any effect.
 */
export function verifyStripeEvent(
  rawBody: string,
  signature: string | undefined,
  secret: string,
  clock: Clock = systemClock,
): Stripe.Event {
  if (!signature) throw new ValidationError("Missing Stripe-Signature header");
  try {
    return Stripe.webhooks.constructEvent(
      rawBody,
      signature,
      secret,
      WEBHOOK_TOLERANCE_SECONDS,
      undefined,
      clock.now().getTime(),
    );
  } catch (e) {
    throw new ValidationError(`Invalid webhook signature: ${(e as Error).message}`);
  }
}

/**
 * Applies a verified event in one control-plane transaction together with its dedupe row, so an
 * event is applied exactly once however often Stripe delivers it. Out-of-order delivery: paid and
 * voided are terminal, and a payment failure older than an event already applied to the same
 * Stripe invoice changes nothing.
 */
export async function applyStripeEvent(db: Database, event: Stripe.Event): Promise<WebhookOutcome> {
  const base = { eventId: event.id, type: event.type };
  const obj = event.data.object as Partial<Stripe.Invoice> & { id?: string };
  return withPlatform(db, async (tx) => {
    const inserted = await tx
      .insert(p.stripeEvents)
      .values({
        id: event.id,
        type: event.type,
        createdUnix: event.created,
        objectId: obj.id ?? null,
      })
      .onConflictDoNothing()
      .returning({ id: p.stripeEvents.id });
    if (inserted.length === 0) return { ...base, result: "duplicate" as const };
    if (!(HANDLED_EVENTS as readonly string[]).includes(event.type) || !obj.id) {
      return { ...base, result: "ignored" as const };
    }
    const byId = await tx.select().from(p.invoices).where(eq(p.invoices.stripeInvoiceId, obj.id));
    const metaId = obj.metadata?.zhengyun_invoice_id;
    const inv =
      byId[0] ??
      (metaId
        ? (await tx.select().from(p.invoices).where(eq(p.invoices.id, metaId)))[0]
        : undefined);
    if (!inv) return { ...base, result: "ignored" as const };
    const out = { ...base, invoiceId: inv.id };
    const terminal = inv.stripeStatus === "paid" || inv.stripeStatus === "void";

    if (event.type === "invoice.paid") {
      await tx
        .insert(p.payments)
        .values({
          id: newId("pay"),
          tenantId: inv.tenantId,
          invoiceId: inv.id,
          method: "stripe",
          reference: obj.id,
          amountFen: obj.amount_paid ?? inv.totalFen,
          receivedOn: new Date(event.created * 1000).toISOString().slice(0, 10),
        })
        .onConflictDoNothing();
      await setStatus(tx, inv.id, obj.id, "paid");
    } else if (terminal) {
      return { ...out, result: "stale" as const };
    } else if (event.type === "invoice.voided") {
      await setStatus(tx, inv.id, obj.id, "void");
    } else {
      const newer = await tx
        .select({ id: p.stripeEvents.id })
        .from(p.stripeEvents)
        .where(
          and(eq(p.stripeEvents.objectId, obj.id), gt(p.stripeEvents.createdUnix, event.created)),
        )
        .limit(1);
      if (newer.length > 0) return { ...out, result: "stale" as const };
      await setStatus(tx, inv.id, obj.id, "payment_failed");
    }
    await writeAudit(tx, {
      actorId: "stripe",
      actorRole: "webhook",
      tenantId: inv.tenantId,
      action: `billing.stripe.${event.type.replace("invoice.", "")}`,
      objectType: "invoice",
      objectId: inv.id,
      data: { eventId: event.id, stripeInvoiceId: obj.id },
    });
    return { ...out, result: "applied" as const };
  });
}

type Tx = Parameters<Parameters<typeof withPlatform>[1]>[0];

async function setStatus(tx: Tx, id: string, stripeId: string, status: string): Promise<void> {
  await tx
    .update(p.invoices)
    .set({ stripeStatus: status, stripeInvoiceId: stripeId })
    .where(eq(p.invoices.id, id));
}
