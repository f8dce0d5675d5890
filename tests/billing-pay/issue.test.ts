import { documentPdf } from "@zhengyun/billing/exports";
import { adjustLine, approveInvoice, issueCreditNote, issueInvoice } from "@zhengyun/billing/issue";
import { ConflictError, PreconditionFailedError, ValidationError } from "@zhengyun/core";
import { type Database, platformSchema as p, query } from "@zhengyun/db";
import { withPlatform } from "@zhengyun/tenancy";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, type Tenant, tenantFactory } from "../harness/index.ts";
import { openScratchDatabase } from "../harness/scratch-database.ts";
import { FINANCE, makeDraft } from "./fixtures.ts";
import { pdfTexts } from "./pdf-text.ts";

const NOW = new Date("2026-11-03T02:00:00Z");

describe.each(drivers())("invoice review, issue and credit notes on %s", (driver) => {
  let db: Database;
  let scratch: Awaited<ReturnType<typeof openScratchDatabase>>;
  let tenants: ReturnType<typeof tenantFactory>;
  let t: Tenant;

  beforeAll(async () => {
    scratch = await openScratchDatabase(driver);
    db = scratch.db;
    tenants = tenantFactory(db);
    t = await tenants.create({ name: "朝阳区政务服务中心" });
  });
  afterAll(async () => {
    await tenants.cleanup();
    await scratch.drop();
  });

  // One live invoice per tenant and month: each draft of this suite takes the next month.
  let month = 0;
  const nextPeriod = () => {
    const d = new Date(Date.UTC(2020, month++, 1));
    return d.toISOString().slice(0, 10);
  };
  const approvedDraft = async (amounts = [100_000, 33_333]) => {
    const d = await makeDraft(
      db,
      t.id,
      nextPeriod(),
      amounts.map((a) => ({ amountFen: a })),
    );
    await approveInvoice(db, d.id, FINANCE, NOW);
    return d;
  };

  it("adjusts a draft line only with a reason, audited, and retotals the invoice", async () => {
    const d = await makeDraft(db, t.id, nextPeriod(), [{ amountFen: 10_000 }, { amountFen: 500 }]);
    await expect(
      adjustLine(db, d.id, { lineId: d.lineIds[0] ?? "", amountFen: 9_000, reason: "" }, FINANCE),
    ).rejects.toBeInstanceOf(ValidationError);
    await adjustLine(
      db,
      d.id,
      { lineId: d.lineIds[0] ?? "", amountFen: 9_000, reason: "合同约定首月九折" },
      FINANCE,
    );
    const [inv] = await db.orm.select().from(p.invoices).where(eq(p.invoices.id, d.id));
    // 9000 + 540 tax, 500 + 30 tax.
    expect(inv).toMatchObject({
      subtotalFen: 9_500,
      taxFen: 570,
      totalFen: 10_070,
      status: "draft",
    });
    const adj = await db.orm
      .select()
      .from(p.invoiceAdjustments)
      .where(eq(p.invoiceAdjustments.invoiceId, d.id));
    expect(adj).toMatchObject([{ deltaFen: -1_000, taxDeltaFen: -60, reason: "合同约定首月九折" }]);
    const audit = await query(
      db.orm,
      sql`select action, actor_id from platform.audit_log where object_id = ${d.id}`,
    );
    expect(audit).toEqual([{ action: "billing.invoice.adjust", actor_id: FINANCE.actorId }]);
  });

  it("issues only approved invoices, freezes them and refuses every later change with 409", async () => {
    const draft = await makeDraft(db, t.id, nextPeriod(), [{ amountFen: 1_000 }]);
    await expect(issueInvoice(db, draft.id, FINANCE, NOW)).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    await approveInvoice(db, draft.id, FINANCE, NOW);
    const doc = await issueInvoice(db, draft.id, FINANCE, NOW);
    expect(doc.number).toMatch(/^ZY-INV-2026-\d{6}$/);
    expect(doc).toMatchObject({ totalFen: 1_060, dueOn: "2026-12-03", tenant: { id: t.id } });
    const [inv] = await db.orm.select().from(p.invoices).where(eq(p.invoices.id, draft.id));
    expect(inv?.snapshot).toEqual(doc);
    const lineId = draft.lineIds[0] ?? "";
    // Started one at a time: a rejection must never wait unobserved for an earlier assertion.
    const edits = [
      () => issueInvoice(db, draft.id, FINANCE, NOW),
      () => approveInvoice(db, draft.id, FINANCE, NOW),
      () => adjustLine(db, draft.id, { lineId, amountFen: 1, reason: "late fix" }, FINANCE),
    ];
    for (const edit of edits) await expect(edit()).rejects.toBeInstanceOf(ConflictError);
    const [after] = await db.orm.select().from(p.invoices).where(eq(p.invoices.id, draft.id));
    expect(after).toEqual(inv);
  });

  it("numbers invoices gaplessly under 20 concurrent issuers", async () => {
    const drafts = await Promise.all(Array.from({ length: 20 }, () => approvedDraft([1_234])));
    const docs = await Promise.all(drafts.map((d) => issueInvoice(db, d.id, FINANCE, NOW)));
    const seq = docs.map((d) => Number(d.number.slice(-6))).sort((a, b) => a - b);
    const first = seq[0] ?? 0;
    expect(seq).toEqual(Array.from({ length: 20 }, (_, i) => first + i));
  });

  it("gives a rolled-back number back: the next issue takes it", async () => {
    const d = await approvedDraft([2_000]);
    const before = await db.orm.select().from(p.numberingCounters);
    await expect(
      // The issue joins the outer control-plane transaction, which then fails.
      withPlatform(db, async () => {
        await issueInvoice(db, d.id, FINANCE, NOW);
        throw new Error("crash after numbering");
      }),
    ).rejects.toThrow();
    expect(await db.orm.select().from(p.numberingCounters)).toEqual(before);
    const [inv] = await db.orm.select().from(p.invoices).where(eq(p.invoices.id, d.id));
    expect(inv).toMatchObject({ status: "approved", number: null });
  });

  it("credits partially, then fully, in its own gapless series, never beyond the invoice", async () => {
    const d = await approvedDraft([100_000, 33_333]);
    const inv = await issueInvoice(db, d.id, FINANCE, NOW);
    const l1 = d.lineIds[0] ?? "";
    const part = await issueCreditNote(
      db,
      d.id,
      { reason: "服务中断三天", lines: [{ lineId: l1, amountFen: 10_000 }] },
      FINANCE,
      NOW,
    );
    expect(part).toMatchObject({
      type: "credit_note",
      invoiceNumber: inv.number,
      totalFen: 10_600,
    });
    await expect(
      issueCreditNote(
        db,
        d.id,
        { reason: "too much", lines: [{ lineId: l1, amountFen: 90_001 }] },
        FINANCE,
        NOW,
      ),
    ).rejects.toBeInstanceOf(ValidationError);
    const rest = await issueCreditNote(db, d.id, { reason: "合同终止，全额冲减" }, FINANCE, NOW);
    // Everything left: the whole invoice minus the first credit, to the fen (tax included).
    expect(part.totalFen + rest.totalFen).toBe(inv.totalFen);
    expect(Number(rest.number.slice(-6))).toBe(Number(part.number.slice(-6)) + 1);
    expect(rest.number).toMatch(/^ZY-CN-2026-/);
    await expect(
      issueCreditNote(db, d.id, { reason: "again" }, FINANCE, NOW),
    ).rejects.toBeInstanceOf(ConflictError);
    const draft = await makeDraft(db, t.id, nextPeriod(), [{ amountFen: 1 }]);
    await expect(
      issueCreditNote(db, draft.id, { reason: "draft" }, FINANCE, NOW),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it("renders the issued invoice as a PDF with the CJK font embedded and the text intact", async () => {
    const d = await makeDraft(db, t.id, nextPeriod(), [
      { amountFen: 123_456, description: "社区服务模块租用费（街道级）" },
      // "ff" and "fi" become ligature glyphs that map back to two letters each.
      { amountFen: 100, description: "Staff office fit-out" },
    ]);
    await approveInvoice(db, d.id, FINANCE, NOW);
    const inv = await issueInvoice(db, d.id, FINANCE, NOW);
    const { pdf, number } = await documentPdf(db, d.id);
    expect(number).toBe(inv.number);
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    expect(pdf.toString("latin1")).toMatch(/\/FontFile3|\/FontFile2/);
    expect(pdf.length).toBeLessThan(300_000); // a subset, not the 8 MB font
    const texts = pdfTexts(pdf).join("\n");
    for (const s of [
      "朝阳区政务服务中心",
      "社区服务模块租用费（街道级）",
      "Staff office fit-out",
      "¥1,234.56",
      inv.number,
      "价税合计",
    ]) {
      expect(texts).toContain(s);
    }
  });
});
