import { createApp } from "@zhengyun/api";
import { billingPayApiModule } from "@zhengyun/billing/payments";
import { loadConfig, ManualClock } from "@zhengyun/core";
import { type Database, platformSchema as p } from "@zhengyun/db";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, type Tenant, tenantFactory } from "../harness/index.ts";
import { openScratchDatabase } from "../harness/scratch-database.ts";
import { asPrincipal, json, readJson, testAuthenticator, testDeps } from "../http/helpers.ts";
import { makeDraft } from "./fixtures.ts";
import { startStripeFake } from "./stripe-fake.ts";

const SECRET = "whsec_http_test";
const finance = asPrincipal({ scopes: ["platform.billing:read", "platform.billing:manage"] });
const reader = asPrincipal({ scopes: ["platform.billing:read"] });
const citizen = asPrincipal({ kind: "citizen", scopes: ["citizen:self"] });

describe.each(drivers())("billing issue and payment HTTP routes on %s", (driver) => {
  let db: Database;
  let scratch: Awaited<ReturnType<typeof openScratchDatabase>>;
  let tenants: ReturnType<typeof tenantFactory>;
  let t: Tenant;
  let fake: Awaited<ReturnType<typeof startStripeFake>>;
  let app: ReturnType<typeof createApp>;
  const clock = new ManualClock("2026-11-03T02:00:00Z");

  beforeAll(async () => {
    scratch = await openScratchDatabase(driver);
    db = scratch.db;
    tenants = tenantFactory(db);
    t = await tenants.create({ name: "东城区政务服务管理局" });
    fake = await startStripeFake();
    const deps = testDeps(db, { authenticator: testAuthenticator, clock });
    deps.config = loadConfig({
      NODE_ENV: "test",
      STRIPE_SECRET_KEY: "sk_test_fake",
      STRIPE_WEBHOOK_SECRET: SECRET,
      STRIPE_API_BASE: fake.url,
    });
    app = createApp(deps);
    billingPayApiModule.register(app);
  });
  afterAll(async () => {
    await fake.close();
    await tenants.cleanup();
    await scratch.drop();
  });

  const post = (path: string, body: unknown, who = finance) => app.request(path, json(body, who));

  it("reviews, issues, pushes, downloads, records a payment and answers problems", async () => {
    const d = await makeDraft(db, t.id, "2026-10-01", [{ amountFen: 200_000 }, { amountFen: 999 }]);
    const base = `/api/v1/billing/invoices/${d.id}`;
    const adj = await post(`${base}/adjustments`, {
      lineId: d.lineIds[1],
      amountFen: 1_000,
      reason: "取整",
    });
    expect(adj.status).toBe(200);
    expect((await post(`${base}/issue`, {})).status).toBe(412); // not approved yet
    expect((await post(`${base}/approve`, {})).status).toBe(200);

    const issued = await post(`${base}/issue`, {});
    expect(issued.status).toBe(200);
    const body = await readJson(issued);
    expect(body.document).toMatchObject({ type: "invoice", totalFen: 213_060 });
    expect(body.stripe).toMatchObject({ stripeStatus: "open" });

    const again = await post(`${base}/adjustments`, {
      lineId: d.lineIds[0],
      amountFen: 1,
      reason: "更正金额",
    });
    expect(again.status).toBe(409);
    expect(again.headers.get("content-type")).toBe("application/problem+json");

    const doc = await app.request(`/api/v1/billing/documents/${d.id}`, { headers: reader });
    expect(await readJson(doc)).toEqual(body.document);
    const pdf = await app.request(`/api/v1/billing/documents/${d.id}/pdf`, { headers: reader });
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");

    const pay = await post(`${base}/payments`, {
      reference: "BOC-1",
      amountFen: 13_060,
      receivedOn: "2026-11-20",
    });
    expect(pay.status).toBe(201);
    const bal = await app.request(`/api/v1/billing/balances/${t.slug}`, { headers: reader });
    expect(await readJson(bal)).toMatchObject({ tenantId: t.id, outstandingFen: 200_000 });
    expect((await app.request("/api/v1/billing/balances/nobody", { headers: reader })).status).toBe(
      404,
    );

    const csv = await app.request("/api/v1/billing/exports/invoice-lines?period=2026-10", {
      headers: reader,
    });
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect((await csv.text()).split("\r\n").filter(Boolean)).toHaveLength(3);
    const bad = await app.request("/api/v1/billing/exports/invoice-lines?period=2026-1", {
      headers: reader,
    });
    expect(bad.status).toBe(400);
    const rev = await app.request("/api/v1/billing/exports/revenue?from=2026-10&to=2026-10", {
      headers: reader,
    });
    expect(await readJson(rev)).toMatchObject([
      { month: "2026-10", feeType: "rental", netFen: 201_000 },
    ]);
  });

  it("verifies webhook signatures on the raw body: 400 and no effect when bad", async () => {
    const payload = JSON.stringify({
      id: "evt_http_1",
      object: "event",
      type: "invoice.voided",
      created: Math.floor(clock.now().getTime() / 1000),
      data: { object: { id: "in_nowhere", object: "invoice" } },
    });
    const sig = Stripe.webhooks.generateTestHeaderString({
      payload,
      secret: SECRET,
      timestamp: Math.floor(clock.now().getTime() / 1000),
    });
    const send = (body: string, signature: string) =>
      app.request("/api/v1/billing/stripe/webhook", {
        method: "POST",
        headers: {
          "content-type": "application/json; charset=utf-8",
          "stripe-signature": signature,
        },
        body,
      });
    const tampered = await send(payload.replace("voided", "paid"), sig);
    expect(tampered.status).toBe(400);
    expect(await db.orm.select().from(p.stripeEvents)).toEqual([]);
    const ok = await send(payload, sig);
    expect(ok.status).toBe(200);
    expect(await readJson(ok)).toEqual({ received: true, result: "ignored" });
    expect(await readJson(await send(payload, sig))).toEqual({
      received: true,
      result: "duplicate",
    });
  });

  it("refuses staff routes to the unauthenticated, citizens and read-only staff", async () => {
    const path = "/api/v1/billing/invoices/inv_x/approve";
    expect((await app.request(path, { method: "POST" })).status).toBe(401);
    expect((await post(path, {}, citizen)).status).toBe(403);
    expect((await post(path, {}, reader)).status).toBe(403);
    const get = await app.request("/api/v1/billing/exports/revenue?from=2026-01&to=2026-02", {
      headers: citizen,
    });
    expect(get.status).toBe(403);
  });
});
