import { approveInvoice, issueInvoice } from "@zhengyun/billing/issue";
import { tenantBalance } from "@zhengyun/billing/payments";
import {
  applyStripeEvent,
  pushInvoiceToStripe,
  stripeClient,
  verifyStripeEvent,
} from "@zhengyun/billing/stripe";
import { ManualClock, ValidationError } from "@zhengyun/core";
import { type Database, platformSchema as p } from "@zhengyun/db";
import { eq } from "drizzle-orm";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, type Tenant, tenantFactory } from "../harness/index.ts";
import { openScratchDatabase } from "../harness/scratch-database.ts";
import { FINANCE, makeDraft } from "./fixtures.ts";
import { startStripeFake } from "./stripe-fake.ts";

const NOW = new Date("2026-11-03T02:00:00Z");
const SECRET = "whsec_test_secret";

describe.each(drivers())("Stripe push and webhooks on %s", (driver) => {
  let db: Database;
  let scratch: Awaited<ReturnType<typeof openScratchDatabase>>;
  let tenants: ReturnType<typeof tenantFactory>;
  let t: Tenant;
  let fake: Awaited<ReturnType<typeof startStripeFake>>;
  let stripe: Stripe;
  let month = 0;

  const issued = async (amounts: number[]) => {
    const period = new Date(Date.UTC(2024, month++, 1)).toISOString().slice(0, 10);
    const d = await makeDraft(
      db,
      t.id,
      period,
      amounts.map((amountFen) => ({ amountFen })),
    );
    await approveInvoice(db, d.id, FINANCE, NOW);
    return issueInvoice(db, d.id, FINANCE, NOW);
  };
  const invoiceRow = async (id: string) =>
    (await db.orm.select().from(p.invoices).where(eq(p.invoices.id, id)))[0];

  beforeAll(async () => {
    scratch = await openScratchDatabase(driver);
    db = scratch.db;
    tenants = tenantFactory(db);
    t = await tenants.create({ name: "海淀区数据局" });
    fake = await startStripeFake();
    stripe = stripeClient({ secretKey: "sk_test_fake", webhookSecret: SECRET, apiBase: fake.url });
  });
  afterAll(async () => {
    await fake.close();
    await tenants.cleanup();
    await scratch.drop();
  });

  it("pushes customer, invoice, items and finalize with deterministic idempotency keys", async () => {
    fake.requests.length = 0;
    const doc = await issued([100_000, 33_333]);
    const r = await pushInvoiceToStripe(db, stripe, doc.id);
    expect(
      fake.requests.map((q) => [q.method, q.path.replace(/in_\d+/, "in_X"), q.idempotencyKey]),
    ).toEqual([
      ["POST", "/v1/customers", `${t.id}:customer`],
      ["POST", "/v1/invoices", `${doc.id}:invoice`],
      ["POST", "/v1/invoiceitems", `${doc.id}:item:1`],
      ["POST", "/v1/invoiceitems", `${doc.id}:item:2`],
      ["POST", "/v1/invoices/in_X/finalize", `${doc.id}:finalize`],
    ]);
    // Organisation data only: the tenant's name and ids.
    const cust = fake.requests[0]?.form ?? {};
    expect(Object.keys(cust).sort()).toEqual(
      ["metadata[zhengyun_slug]", "metadata[zhengyun_tenant_id]", "name"].sort(),
    );
    expect(cust.name).toBe("海淀区数据局");
    expect(fake.requests[2]?.form).toMatchObject({ amount: "106000", currency: "cny" });
    expect(fake.objects.invoices.get(r.stripeInvoiceId)?.amount_due).toBe(doc.totalFen);
    expect(await invoiceRow(doc.id)).toMatchObject({
      stripeInvoiceId: r.stripeInvoiceId,
      stripeStatus: "open",
    });
    // Pushing a pushed invoice again sends nothing.
    const n = fake.requests.length;
    await pushInvoiceToStripe(db, stripe, doc.id);
    expect(fake.requests.length).toBe(n);
  });

  it("a push retried after a lost response repeats the same keys and bills once", async () => {
    const doc = await issued([5_000, 7_000, 9_000]);
    const itemsBefore = fake.objects.items;
    const invoicesBefore = fake.objects.invoices.size;
    fake.failNext("/v1/invoiceitems", 1);
    await expect(pushInvoiceToStripe(db, stripe, doc.id)).rejects.toThrow();
    fake.requests.length = 0;
    const r = await pushInvoiceToStripe(db, stripe, doc.id);
    expect(fake.requests.map((q) => [q.idempotencyKey, q.replayed])).toEqual([
      [`${doc.id}:invoice`, true],
      [`${doc.id}:item:1`, true],
      [`${doc.id}:item:2`, false],
      [`${doc.id}:item:3`, false],
      [`${doc.id}:finalize`, false],
    ]);
    expect(fake.objects.items - itemsBefore).toBe(3);
    expect(fake.objects.invoices.size - invoicesBefore).toBe(1);
    expect(fake.objects.invoices.get(r.stripeInvoiceId)?.amount_due).toBe(doc.totalFen);
  });

  describe("webhooks", () => {
    const clock = new ManualClock(NOW);
    const event = (
      type: string,
      stripeId: string,
      extra: Record<string, unknown> = {},
      created = 0,
    ) =>
      JSON.stringify({
        id: `evt_${Math.random().toString(36).slice(2)}`,
        object: "event",
        type,
        created: created || Math.floor(clock.now().getTime() / 1000),
        data: { object: { id: stripeId, object: "invoice", ...extra } },
      });
    const sign = (payload: string, at = clock.now()) =>
      Stripe.webhooks.generateTestHeaderString({
        payload,
        secret: SECRET,
        timestamp: Math.floor(at.getTime() / 1000),
      });
    const deliver = (payload: string, header = sign(payload)) =>
      applyStripeEvent(db, verifyStripeEvent(payload, header, SECRET, clock));

    it("applies invoice.paid once: valid, replayed, tampered, expired", async () => {
      const doc = await issued([20_000]);
      const { stripeInvoiceId } = await pushInvoiceToStripe(db, stripe, doc.id);
      const paid = event("invoice.paid", stripeInvoiceId, { amount_paid: doc.totalFen });

      const tampered = paid.replace(String(doc.totalFen), "1");
      expect(() => verifyStripeEvent(tampered, sign(paid), SECRET, clock)).toThrow(ValidationError);
      const old = new Date(clock.now().getTime() - 301_000);
      expect(() => verifyStripeEvent(paid, sign(paid, old), SECRET, clock)).toThrow(/tolerance/);
      expect(() => verifyStripeEvent(paid, undefined, SECRET, clock)).toThrow(ValidationError);
      expect(await db.orm.select().from(p.stripeEvents)).toEqual([]);

      expect(await deliver(paid)).toMatchObject({ result: "applied", invoiceId: doc.id });
      expect(await deliver(paid)).toMatchObject({ result: "duplicate" });
      const pays = await db.orm.select().from(p.payments).where(eq(p.payments.invoiceId, doc.id));
      expect(pays).toMatchObject([
        { method: "stripe", amountFen: doc.totalFen, reference: stripeInvoiceId },
      ]);
      expect(await invoiceRow(doc.id)).toMatchObject({ stripeStatus: "paid" });
      const bal = await tenantBalance(db, t.id);
      expect(bal.invoices.find((b) => b.invoiceId === doc.id)?.balanceFen).toBe(0);
    });

    it("tolerates out-of-order delivery: a late failure never undoes a payment", async () => {
      const doc = await issued([30_000]);
      const { stripeInvoiceId } = await pushInvoiceToStripe(db, stripe, doc.id);
      const at = Math.floor(clock.now().getTime() / 1000);
      const failed1 = event("invoice.payment_failed", stripeInvoiceId, {}, at - 100);
      const failed2 = event("invoice.payment_failed", stripeInvoiceId, {}, at - 50);
      const paid = event("invoice.paid", stripeInvoiceId, { amount_paid: doc.totalFen }, at);
      expect(await deliver(failed2)).toMatchObject({ result: "applied" });
      expect(await invoiceRow(doc.id)).toMatchObject({ stripeStatus: "payment_failed" });
      expect(await deliver(failed1)).toMatchObject({ result: "stale" });
      expect(await deliver(paid)).toMatchObject({ result: "applied" });
      expect(await deliver(event("invoice.voided", stripeInvoiceId, {}, at - 10))).toMatchObject({
        result: "stale",
      });
      expect(await invoiceRow(doc.id)).toMatchObject({ stripeStatus: "paid" });

      const other = await issued([1_000]);
      const o = await pushInvoiceToStripe(db, stripe, other.id);
      expect(await deliver(event("invoice.voided", o.stripeInvoiceId))).toMatchObject({
        result: "applied",
      });
      expect(await invoiceRow(other.id)).toMatchObject({ stripeStatus: "void", status: "issued" });
      expect(await deliver(event("invoice.paid", "in_unknown"))).toMatchObject({
        result: "ignored",
      });
    });
  });
});
