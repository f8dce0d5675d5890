import { createContract, runBilling, subscribe } from "@zhengyun/billing";
import { ManualClock } from "@zhengyun/core";
import { type Database, platformSchema } from "@zhengyun/db";
import { ingestEvents } from "@zhengyun/metering";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBillingDatabase, seedPrices } from "../billing/setup.ts";
import { identityFactory } from "../harness/identity.ts";
import { drivers, type Tenant, tenantFactory } from "../harness/index.ts";
import { Browser, webApp } from "./helpers.ts";

describe.each(drivers())("web finance pages on %s", (driver) => {
  let scratch: Awaited<ReturnType<typeof openBillingDatabase>>;
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let ids: ReturnType<typeof identityFactory>;
  const clock = new ManualClock("2026-11-02T02:00:00Z");
  let t: Tenant;
  let invoiceId = "";

  beforeAll(async () => {
    scratch = await openBillingDatabase(driver);
    db = scratch.db;
    tenants = tenantFactory(db);
    ids = identityFactory(db, clock);
    await seedPrices(db);
    t = await tenants.create({ name: "账单测试区" });
    await createContract(db, {
      tenant: t.slug,
      startsOn: "2026-01-01",
      modules: [{ module: "portal" }],
    });
    await subscribe(db, { tenant: t.slug, module: "portal", startsOn: "2026-09-01" });
    const events = ["2026-09-10", "2026-10-05", "2026-10-20"].map((day, i) => ({
      id: `web-${day}`,
      meter: "api.requests",
      quantity: 900 + i * 300,
      time: `${day}T04:00:00Z`,
    }));
    await ingestEvents(db, { tenantId: t.id, events }, { clock, lateWindowDays: 400 });
    const run = await runBilling(db, { period: "2026-10", clock, tenant: t.slug });
    invoiceId = run.drafts[0]?.invoice_id ?? "";
  });

  afterAll(async () => {
    await ids.cleanup([t.id]);
    await tenants.cleanup();
    await scratch.drop();
  });

  async function signedIn(role: string) {
    const u = await ids.create({ role, tenantId: null });
    const browser = new Browser(webApp(db, clock));
    browser.cookies.set("zy_session", await ids.signInStaff(u.email, null));
    return browser;
  }

  it("lists the period's drafts and shows an invoice with its lines and daily chart", async () => {
    expect(invoiceId).not.toBe("");
    const finance = await signedIn("finance");
    const list = await finance.get("/console/billing?period=2026-10");
    const html = await list.text();
    expect(list.status).toBe(200);
    expect(html).toContain("账单测试区");
    expect(html).toMatch(/¥[\d,]+\.\d\d/);
    const page = await (await finance.get(`/console/billing/invoices/${invoiceId}`)).text();
    expect(page).toContain("<svg");
    expect(page).toContain("api.requests");
    expect(page).toContain("草稿");
  });

  it("adjusts with a reason (inline error without one), approves and issues", async () => {
    const finance = await signedIn("finance");
    const [line] = await db.orm
      .select()
      .from(platformSchema.invoiceLines)
      .where(eq(platformSchema.invoiceLines.invoiceId, invoiceId));
    const base = `/console/billing/invoices/${invoiceId}`;
    const bad = await finance.post(`${base}/adjust`, {
      lineId: line?.id ?? "",
      amountFen: "100",
      reason: "",
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('id="f-reason-err"');
    const ok = await finance.post(`${base}/adjust`, {
      lineId: line?.id ?? "",
      amountFen: "100",
      reason: "客户协商减免",
    });
    expect(ok.status).toBe(303);
    expect((await finance.post(`${base}/approve`, {})).status).toBe(303);
    expect((await finance.post(`${base}/issue`, {})).status).toBe(303);
    const issued = await (await finance.get(base)).text();
    expect(issued).toContain("已开具");
    expect(issued).toContain(`/console/billing/documents/${invoiceId}/pdf`);
  });

  it("downloads the PDF, credits part of a line, records a transfer and shows what is owed", async () => {
    const finance = await signedIn("finance");
    const base = `/console/billing/invoices/${invoiceId}`;
    const pdf = await finance.get(`/console/billing/documents/${invoiceId}/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(new TextDecoder().decode((await pdf.arrayBuffer()).slice(0, 5))).toBe("%PDF-");

    const [line] = await db.orm
      .select()
      .from(platformSchema.invoiceLines)
      .where(eq(platformSchema.invoiceLines.invoiceId, invoiceId));
    const lineId = line?.id ?? "";
    expect((await finance.get(`${base}/credit`)).status).toBe(200);
    const noReason = await finance.post(`${base}/credit`, { reason: "", [`line_${lineId}`]: "10" });
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain('id="f-reason-err"');
    const credited = await finance.post(`${base}/credit`, {
      reason: "服务中断补偿",
      [`line_${lineId}`]: "10",
    });
    expect(credited.status).toBe(303);
    const notes = await db.orm
      .select()
      .from(platformSchema.creditNotes)
      .where(eq(platformSchema.creditNotes.invoiceId, invoiceId));
    expect(notes).toHaveLength(1);

    const [inv] = await db.orm
      .select()
      .from(platformSchema.invoices)
      .where(eq(platformSchema.invoices.id, invoiceId));
    const owed = Number(inv?.totalFen ?? 0) - Number(notes[0]?.totalFen ?? 0);
    const tooMuch = await finance.post(`${base}/payment`, {
      reference: "BANK-0001",
      amountFen: String(owed + 1),
      receivedOn: "2026-11-02",
    });
    expect(tooMuch.status).toBe(400);
    const paid = await finance.post(`${base}/payment`, {
      reference: "BANK-0001",
      amountFen: "100",
      receivedOn: "2026-11-02",
    });
    expect(paid.status).toBe(303);
    const balances = await (await finance.get("/console/billing/balances?lang=en")).text();
    expect(balances).toContain("账单测试区");
    const yuan = (owed - 100) / 100;
    expect(balances).toContain(`¥${yuan.toLocaleString("en-US", { minimumFractionDigits: 2 })}`);
  });

  it("re-runs billing from the run page (issued invoices skipped) and downloads CSVs", async () => {
    const finance = await signedIn("finance");
    expect((await finance.get("/console/billing/run")).status).toBe(200);
    const future = await finance.post("/console/billing/run", { period: "2026-12" });
    expect(future.status).toBe(400);
    const ran = await finance.post("/console/billing/run", { period: "2026-10" });
    expect(ran.status).toBe(303);
    expect(ran.headers.get("location")).toContain("/console/billing?period=2026-10");
    const [inv] = await db.orm
      .select()
      .from(platformSchema.invoices)
      .where(eq(platformSchema.invoices.id, invoiceId));
    expect(inv?.status).toBe("issued");
    const lines = await finance.get("/console/billing/exports/invoice-lines?period=2026-10");
    expect(lines.headers.get("content-type")).toContain("text/csv");
    expect(await lines.text()).toContain(inv?.number ?? "?");
    const revenue = await finance.get("/console/billing/exports/revenue?from=2026-10&to=2026-10");
    const csv = await revenue.text();
    expect(csv.split("\r\n")[0]).toContain("month,module,fee_type");
    expect(csv).toContain("2026-10,portal,rental");
  });

  it("shows the tenant admin its issued invoices with the PDF, and quotas marked at 80%", async () => {
    await ingestEvents(
      db,
      {
        tenantId: t.id,
        events: [
          { id: "web-nov", meter: "api.requests", quantity: 850, time: "2026-11-01T04:00:00Z" },
        ],
      },
      { clock },
    );
    const admin = await ids.create({ role: "tenant_admin", tenantId: t.id });
    const browser = new Browser(webApp(db, clock));
    browser.cookies.set("zy_session", await ids.signInStaff(admin.email, t.id));
    const base = `/t/${t.slug}/console`;
    const list = await (await browser.get(`${base}/invoices`)).text();
    const [inv] = await db.orm
      .select()
      .from(platformSchema.invoices)
      .where(eq(platformSchema.invoices.id, invoiceId));
    expect(list).toContain(inv?.number ?? "?");
    const detail = await browser.get(`${base}/invoices/${invoiceId}`);
    expect(detail.status).toBe(200);
    const pdf = await browser.get(`${base}/invoices/${invoiceId}/pdf`);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    const usage = await (await browser.get(`${base}/usage?lang=en`)).text();
    expect(usage).toContain("Quotas this month");
    expect(usage).toMatch(/85%/);
    expect(usage).toContain("80% reached");

    // Another tenant's admin finds no such invoice; staff without the permission are refused.
    const other = await tenants.create({ name: "旁观区" });
    const stranger = await ids.create({ role: "tenant_admin", tenantId: other.id });
    const sb = new Browser(webApp(db, clock));
    sb.cookies.set("zy_session", await ids.signInStaff(stranger.email, other.id));
    expect((await sb.get(`/t/${other.slug}/console/invoices/${invoiceId}`)).status).toBe(404);
    expect((await sb.get(`/t/${other.slug}/console/invoices/${invoiceId}/pdf`)).status).toBe(404);
    expect((await sb.get(`${base}/invoices`)).status).toBe(404);
    const officer = await ids.create({ role: "case_officer", tenantId: t.id });
    const ob = new Browser(webApp(db, clock));
    ob.cookies.set("zy_session", await ids.signInStaff(officer.email, t.id));
    expect((await ob.get(`${base}/invoices`)).status).toBe(403);
    await ids.cleanup([other.id]);
  });

  it("lets a tenant admin subscribe to a module of the contract and end it after confirming", async () => {
    const u = await tenants.create({ name: "订阅测试区" });
    await createContract(db, {
      tenant: u.slug,
      startsOn: "2026-01-01",
      modules: [{ module: "community" }],
    });
    const admin = await ids.create({ role: "tenant_admin", tenantId: u.id });
    const browser = new Browser(webApp(db, clock));
    browser.cookies.set("zy_session", await ids.signInStaff(admin.email, u.id));
    const base = `/t/${u.slug}/console/modules`;
    const page = await (await browser.get(base)).text();
    expect(page).toContain("合同未包含");
    expect((await browser.post(`${base}/community/subscribe`, {})).status).toBe(303);
    const subs = () =>
      db.orm
        .select()
        .from(platformSchema.subscriptions)
        .where(eq(platformSchema.subscriptions.tenantId, u.id));
    expect((await subs()).map((s) => [s.module, s.startsOn, s.endsOn])).toEqual([
      ["community", "2026-11-02", null],
    ]);
    clock.advance(86_400_000); // a subscription ends after the day it started
    browser.cookies.set("zy_session", await ids.signInStaff(admin.email, u.id)); // staff sessions idle out
    expect((await browser.get(`${base}/community/end`)).status).toBe(200);
    expect((await browser.post(`${base}/community/end`, {})).status).toBe(303);
    expect((await subs())[0]?.endsOn).toBe("2026-11-03");
    // A module outside the contract cannot be subscribed from the page either.
    expect((await browser.post(`${base}/portal/subscribe`, {})).status).toBe(400);
    await db.orm
      .delete(platformSchema.subscriptions)
      .where(eq(platformSchema.subscriptions.tenantId, u.id));
    await db.orm
      .delete(platformSchema.contracts)
      .where(eq(platformSchema.contracts.tenantId, u.id));
  });

  it("refuses the finance pages to an operator", async () => {
    const operator = await signedIn("operator");
    expect((await operator.get("/console/billing")).status).toBe(403);
    expect((await operator.get(`/console/billing/documents/${invoiceId}/pdf`)).status).toBe(403);
    expect((await operator.post("/console/billing/run", { period: "2026-10" })).status).toBe(403);
    expect((await operator.post(`/console/billing/invoices/${invoiceId}/approve`, {})).status).toBe(
      403,
    );
  });
});
