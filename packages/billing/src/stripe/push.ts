import { NotFoundError, PreconditionFailedError } from "@zhengyun/core";
import { type Database, platformSchema as p } from "@zhengyun/db";
import { withPlatform } from "@zhengyun/tenancy";
import { and, asc, eq, isNull, or } from "drizzle-orm";
import type Stripe from "stripe";

export interface PushResult {
  stripeInvoiceId: string;
  stripeStatus: string;
}

/**
 * Pushes an issued invoice to Stripe: customer (once per tenant), draft invoice, one item per line,
 * finalize. Runs after the issuing transaction has committed (no network call holds a database
 * transaction); every step carries a deterministic idempotency key and its result is stored, so a
 * retry after a crash or timeout at any step repeats the same requests and bills exactly once.
 * Only organisation data (the tenant's name and ids) goes to Stripe.
 */
export async function pushInvoiceToStripe(
  db: Database,
  stripe: Stripe,
  invoiceId: string,
): Promise<PushResult> {
  const { inv, lines, tenant, customerId } = await withPlatform(db, async (tx) => {
    const [inv] = await tx.select().from(p.invoices).where(eq(p.invoices.id, invoiceId));
    if (!inv) throw new NotFoundError(`No invoice ${invoiceId}`);
    if (inv.status !== "issued") {
      throw new PreconditionFailedError(`Invoice ${invoiceId} is ${inv.status}, not issued`);
    }
    const lines = await tx
      .select()
      .from(p.invoiceLines)
      .where(eq(p.invoiceLines.invoiceId, invoiceId))
      .orderBy(asc(p.invoiceLines.position));
    const [tenant] = await tx.select().from(p.tenants).where(eq(p.tenants.id, inv.tenantId));
    const [cust] = await tx
      .select()
      .from(p.stripeCustomers)
      .where(eq(p.stripeCustomers.tenantId, inv.tenantId));
    return { inv, lines, tenant, customerId: cust?.stripeCustomerId };
  });
  if (inv.stripeInvoiceId && inv.stripeStatus && inv.stripeStatus !== "draft") {
    return { stripeInvoiceId: inv.stripeInvoiceId, stripeStatus: inv.stripeStatus };
  }
  if (!tenant) throw new NotFoundError(`No tenant ${inv.tenantId}`);

  const customer =
    customerId ??
    (await ensureCustomer(db, stripe, { id: tenant.id, slug: tenant.slug, name: tenant.name }));
  const meta = { zhengyun_invoice_id: inv.id, zhengyun_tenant_id: inv.tenantId };
  const draft = await stripe.invoices.create(
    {
      customer,
      currency: "cny",
      collection_method: "send_invoice",
      days_until_due: 30,
      auto_advance: false,
      pending_invoice_items_behavior: "exclude",
      description: `${inv.number ?? inv.id}`,
      metadata: { ...meta, zhengyun_number: inv.number ?? "" },
    },
    { idempotencyKey: `${inv.id}:invoice` },
  );
  await setStripeState(db, inv.id, draft.id as string, "draft");
  for (const l of lines) {
    // One item per line at its tax-inclusive amount, so Stripe's total equals ours to the fen.
    await stripe.invoiceItems.create(
      {
        customer,
        invoice: draft.id as string,
        currency: "cny",
        amount: l.amountFen + l.taxFen,
        description: `${l.description}（含税 ${l.taxRateBp / 100}%）`,
        metadata: { ...meta, zhengyun_line_id: l.id },
      },
      { idempotencyKey: `${inv.id}:item:${l.position}` },
    );
  }
  const final = await stripe.invoices.finalizeInvoice(
    draft.id as string,
    { auto_advance: false },
    { idempotencyKey: `${inv.id}:finalize` },
  );
  const status = final.status ?? "open";
  await setStripeState(db, inv.id, draft.id as string, status);
  return { stripeInvoiceId: draft.id as string, stripeStatus: status };
}

async function ensureCustomer(
  db: Database,
  stripe: Stripe,
  tenant: { id: string; slug: string; name: string },
): Promise<string> {
  const c = await stripe.customers.create(
    { name: tenant.name, metadata: { zhengyun_tenant_id: tenant.id, zhengyun_slug: tenant.slug } },
    { idempotencyKey: `${tenant.id}:customer` },
  );
  return withPlatform(db, async (tx) => {
    await tx
      .insert(p.stripeCustomers)
      .values({ tenantId: tenant.id, stripeCustomerId: c.id })
      .onConflictDoNothing();
    const [row] = await tx
      .select()
      .from(p.stripeCustomers)
      .where(eq(p.stripeCustomers.tenantId, tenant.id));
    return row?.stripeCustomerId ?? c.id;
  });
}

/** Never moves a status that a webhook already advanced (paid, void) back to draft or open. */
async function setStripeState(db: Database, id: string, stripeId: string, status: string) {
  await withPlatform(db, (tx) =>
    tx
      .update(p.invoices)
      .set({ stripeInvoiceId: stripeId, stripeStatus: status })
      .where(
        and(
          eq(p.invoices.id, id),
          or(isNull(p.invoices.stripeStatus), eq(p.invoices.stripeStatus, "draft")),
        ),
      ),
  );
}
