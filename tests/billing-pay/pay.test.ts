import { invoiceLinesCsv, revenueSummary } from "@zhengyun/billing/exports";
import { approveInvoice, issueCreditNote, issueInvoice } from "@zhengyun/billing/issue";
import {
  queueOverdueReminders,
  recordBankTransfer,
  tenantBalance,
} from "@zhengyun/billing/payments";
import { ConflictError, NotFoundError, ValidationError } from "@zhengyun/core";
import { type Database, platformSchema as p, tenantSchema } from "@zhengyun/db";
import { withTenant } from "@zhengyun/tenancy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, type Tenant, tenantFactory } from "../harness/index.ts";
import { openScratchDatabase } from "../harness/scratch-database.ts";
import { FINANCE, makeDraft } from "./fixtures.ts";

const ISSUED_AT = new Date("2026-11-03T02:00:00Z"); // due 2026-12-03
const at = (day: string) => new Date(`${day}T01:00:00Z`); // 09:00 in Shanghai

describe.each(drivers())("bank transfers, balances, reminders and exports on %s", (driver) => {
  let db: Database;
  let scratch: Awaited<ReturnType<typeof openScratchDatabase>>;
  let tenants: ReturnType<typeof tenantFactory>;
  let t: Tenant;
  let invoiceId: string;
  let total: number;

  beforeAll(async () => {
    scratch = await openScratchDatabase(driver);
    db = scratch.db;
    tenants = tenantFactory(db);
    t = await tenants.create({ name: "西城区街道办" });
    await db.orm
      .insert(p.users)
      .values({ id: "usr_admin1", email: "admin@xicheng.example", displayName: "管理员" });
    await db.orm
      .insert(p.memberships)
      .values({ id: "mem_1", userId: "usr_admin1", tenantId: t.id, role: "tenant_admin" });
    const d = await makeDraft(db, t.id, "2026-10-01", [
      { amountFen: 300_000, kind: "rental", module: "portal" },
      { amountFen: 12_345, kind: "usage", module: "portal" },
      { amountFen: 50_000, kind: "equipment", module: null, taxRateBp: 1300 },
    ]);
    await approveInvoice(db, d.id, FINANCE, ISSUED_AT);
    const doc = await issueInvoice(db, d.id, FINANCE, ISSUED_AT);
    invoiceId = doc.id;
    total = doc.totalFen;
  });
  afterAll(async () => {
    await tenants.cleanup();
    await scratch.drop();
  });

  const outbox = () => withTenant(db, t, (tx) => tx.select().from(tenantSchema.notificationOutbox));

  it("records partial transfers, refuses duplicates, overpayment and drafts, keeps the balance", async () => {
    const first = await recordBankTransfer(
      db,
      invoiceId,
      { reference: "ICBC-20261110-0001", amountFen: 100_000, receivedOn: "2026-11-10" },
      FINANCE,
    );
    expect(first.balanceFen).toBe(total - 100_000);
    await expect(
      recordBankTransfer(
        db,
        invoiceId,
        { reference: "ICBC-20261110-0001", amountFen: 1, receivedOn: "2026-11-10" },
        FINANCE,
      ),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(
      recordBankTransfer(
        db,
        invoiceId,
        { reference: "ICBC-X", amountFen: total, receivedOn: "2026-11-11" },
        FINANCE,
      ),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      recordBankTransfer(
        db,
        invoiceId,
        { reference: "ICBC-Y", amountFen: -5, receivedOn: "2026-11-11" },
        FINANCE,
      ),
    ).rejects.toBeInstanceOf(ValidationError);
    const draft = await makeDraft(db, t.id, "2026-09-01", [{ amountFen: 10 }]);
    await expect(
      recordBankTransfer(
        db,
        draft.id,
        { reference: "ICBC-Z", amountFen: 1, receivedOn: "2026-11-11" },
        FINANCE,
      ),
    ).rejects.toBeInstanceOf(ConflictError);
    const bal = await tenantBalance(db, t.id);
    expect(bal.outstandingFen).toBe(total - 100_000);
    expect(bal.invoices).toMatchObject([
      { invoiceId, paidFen: 100_000, creditedFen: 0, dueOn: "2026-12-03" },
    ]);
    await expect(tenantBalance(db, "ten_missing")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("queues reminders at 7, 14 and 30 days overdue, once each", async () => {
    expect(await queueOverdueReminders(db, at("2026-12-09"))).toEqual([]); // 6 days
    const seven = await queueOverdueReminders(db, at("2026-12-10"));
    expect(seven).toEqual([{ invoiceId, tenantId: t.id, stage: 7, recipients: 1 }]);
    expect(await queueOverdueReminders(db, at("2026-12-11"))).toEqual([]);
    expect((await queueOverdueReminders(db, at("2026-12-17")))[0]?.stage).toBe(14);
    expect((await queueOverdueReminders(db, at("2027-01-02")))[0]?.stage).toBe(30);
    expect(await queueOverdueReminders(db, at("2027-03-01"))).toEqual([]);
    const mails = await outbox();
    expect(mails.map((m) => m.recipient)).toEqual(Array(3).fill("admin@xicheng.example"));
    expect(mails[0]?.subject).toContain("逾期 7 天");
    const stages = await db.orm.select().from(p.paymentReminders);
    expect(stages.map((s) => s.stageDays).sort((a, b) => a - b)).toEqual([7, 14, 30]);
  });

  it("stops reminding once credit notes and transfers settle the invoice", async () => {
    const d = await makeDraft(db, t.id, "2026-08-01", [{ amountFen: 10_000 }]);
    await approveInvoice(db, d.id, FINANCE, ISSUED_AT);
    const doc = await issueInvoice(db, d.id, FINANCE, ISSUED_AT);
    await issueCreditNote(
      db,
      d.id,
      { reason: "减免", lines: [{ lineId: d.lineIds[0] ?? "", amountFen: 4_000 }] },
      FINANCE,
      ISSUED_AT,
    );
    await recordBankTransfer(
      db,
      d.id,
      { reference: "ABC-1", amountFen: doc.totalFen - 4_240, receivedOn: "2026-11-20" },
      FINANCE,
    );
    const bal = await tenantBalance(db, t.id);
    expect(bal.invoices.find((b) => b.invoiceId === d.id)).toMatchObject({
      creditedFen: 4_240,
      balanceFen: 0,
    });
    const before = (await outbox()).length;
    await queueOverdueReminders(db, at("2027-06-01"));
    expect((await outbox()).length).toBe(before);
  });

  it("exports the period's lines as CSV and revenue by month, module and fee type", async () => {
    const csv = await invoiceLinesCsv(db, "2026-10");
    const rows = csv.trim().split("\r\n");
    expect(rows[0]).toMatch(/^invoice_id,invoice_number,status,tenant,period,position,kind/);
    expect(rows).toHaveLength(4);
    expect(rows[3]).toContain(",equipment,");
    await expect(invoiceLinesCsv(db, "2026-13")).rejects.toBeInstanceOf(ValidationError);
    const rev = await revenueSummary(db, "2026-08", "2026-10");
    expect(rev).toEqual([
      {
        month: "2026-08",
        module: "portal",
        feeType: "rental",
        invoicedFen: 10_000,
        creditedFen: 4_000,
        netFen: 6_000,
        taxFen: 360,
      },
      {
        month: "2026-10",
        module: "portal",
        feeType: "rental",
        invoicedFen: 300_000,
        creditedFen: 0,
        netFen: 300_000,
        taxFen: 18_000,
      },
      {
        month: "2026-10",
        module: "portal",
        feeType: "usage",
        invoicedFen: 12_345,
        creditedFen: 0,
        netFen: 12_345,
        taxFen: 741,
      },
      {
        month: "2026-10",
        module: null,
        feeType: "equipment",
        invoicedFen: 50_000,
        creditedFen: 0,
        netFen: 50_000,
        taxFen: 6_500,
      },
    ]);
  });
});
