import { ConflictError, ManualClock, NotFoundError, ValidationError } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import {
  actOnApplication,
  answerConsultation,
  applyDeemedAcceptance,
  confirmPayment,
  escalateOverdue,
  exportCatalogue,
  getApplication,
  importCatalogue,
  issueCertificate,
  listItems,
  type PortalCtx,
  paymentOf,
  portalApplications,
  publicQa,
  rateApplication,
  revokeCertificate,
  saveItem,
  submitApplication,
  submitConsultation,
  verifyCertificate,
} from "@zhengyun/portal";
import { withTenant } from "@zhengyun/tenancy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";
import { licence } from "./fixtures.ts";

describe.each(drivers())("portal applications and certificates on %s", (driver) => {
  let db: Database;
  let factory: ReturnType<typeof tenantFactory>;
  let tenant: Tenant;
  const clock = new ManualClock("2026-02-12T02:00:00Z"); // Thursday 10:00 Shanghai
  const staff = (): PortalCtx => ({
    db,
    tenant,
    clock,
    actor: { id: "usr_officer", kind: "staff" },
  });
  const citizen = (id = "usr_citizen"): PortalCtx => ({
    db,
    tenant,
    clock,
    actor: { id, kind: "citizen" },
  });
  const apply = () =>
    submitApplication({
      ctx: citizen(),
      input: { itemCode: "000172001.01", applicantName: "张三", form: { shopName: "张记" } },
    });
  const act = (id: number, input: unknown) =>
    actOnApplication({ ctx: staff(), ref: String(id), input });

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    factory = tenantFactory(db);
    tenant = await factory.create();
    await saveItem({ ctx: staff(), input: licence() });
  });
  afterAll(async () => {
    await factory.cleanup();
    await db.close();
  });

  it("refuses a promised limit above the legal one and imports all or nothing", async () => {
    await expect(
      saveItem({ ctx: staff(), input: licence({ code: "X1", promisedDays: 25 }) }),
    ).rejects.toBeInstanceOf(ValidationError);
    const file = await exportCatalogue(staff());
    const bad = {
      version: 1,
      items: [licence({ code: "Y1" }), licence({ code: "Y2", legalDays: -1 })],
    };
    await expect(importCatalogue({ ctx: staff(), input: bad })).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect((await listItems(staff())).map((i) => i.code)).toEqual(["000172001.01"]);
    expect(await importCatalogue({ ctx: staff(), input: file })).toEqual({ imported: 1 });
  });

  it("refuses missing form fields and writes nothing", async () => {
    await expect(
      submitApplication({
        ctx: citizen(),
        input: { itemCode: "000172001.01", applicantName: "张三" },
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      submitApplication({ ctx: citizen(), input: { itemCode: "NOPE", applicantName: "张三" } }),
    ).rejects.toBeInstanceOf(NotFoundError);
    const rows = await withTenant(db, tenant, (tx) => tx.select().from(portalApplications));
    expect(rows).toHaveLength(0);
  });

  it("counts as accepted on the day received when no notice comes within 5 working days", async () => {
    clock.set("2026-02-12T02:00:00Z");
    const app = await apply();
    expect(app.tracking).toMatch(/^[2-9A-HJKMNP-TV-Z]{10}$/);
    // Window: 13th, Saturday 14th (调休), then 24th–26th after Spring Festival.
    clock.set("2026-02-26T15:00:00Z"); // 23:00 on the 26th: still inside
    expect(await applyDeemedAcceptance(staff())).toBe(0);
    clock.set("2026-02-26T16:00:00Z"); // midnight: the 27th
    expect(await applyDeemedAcceptance(staff())).toBe(1);
    const { application, timeline } = await getApplication(citizen(), app.tracking, false);
    expect(application).toMatchObject({ state: "accepted", deemedAccepted: true });
    expect(application.acceptedAt).toEqual(app.receivedAt);
    // 10 promised working days from the 12th: 13, 14, 24–27, Saturday 28th (调休), Mar 2–4.
    expect(application.dueAt?.toISOString()).toBe("2026-03-04T15:59:59.999Z");
    expect(timeline.map((e) => e.action)).toEqual(["submit", "deemed_accepted"]);
    // Too late for a one-time notice now.
    await expect(
      act(application.id, { action: "notice", missing: ["营业执照"] }),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it("a one-time notice in time stops the deemed acceptance", async () => {
    clock.set("2026-03-02T02:00:00Z");
    const app = await apply();
    await act(app.id, { action: "notice", missing: ["营业执照", "场所平面图"] });
    clock.set("2026-03-20T02:00:00Z");
    expect(await applyDeemedAcceptance(staff())).toBe(0);
    const { application, timeline } = await getApplication(staff(), String(app.id), true);
    expect(application.state).toBe("notice");
    expect(timeline.at(-1)?.data).toEqual({ missing: ["营业执照", "场所平面图"] });
  });

  it("suspension for expert review does not count against the limit", async () => {
    clock.set("2026-03-02T02:00:00Z"); // Monday
    const app = await apply();
    const accepted = await act(app.id, { action: "accept" });
    expect(accepted.dueAt?.toISOString()).toBe("2026-03-16T15:59:59.999Z");
    await act(app.id, { action: "review" });
    clock.set("2026-03-04T02:00:00Z"); // Wednesday
    await act(app.id, { action: "suspend", cause: "expert_review", reason: "专家评审" });
    clock.set("2026-03-10T02:00:00Z"); // next Tuesday: 4th, 5th, 6th, 9th, 10th stood still
    const resumed = await act(app.id, { action: "resume" });
    expect(resumed.suspendedDays).toBe(5);
    expect(resumed.dueAt?.toISOString()).toBe("2026-03-23T15:59:59.999Z");
    await expect(act(app.id, { action: "complete" })).rejects.toBeInstanceOf(ConflictError);
  });

  it("issues a certificate that verifies valid, then expired or revoked", async () => {
    clock.set("2026-04-01T02:00:00Z");
    const app = await apply();
    await expect(
      issueCertificate({ ctx: staff(), ref: String(app.id), input: {} }),
    ).rejects.toBeInstanceOf(ConflictError);
    for (const action of ["accept", "review"]) await act(app.id, { action });
    await act(app.id, { action: "approve", reason: "符合条件" });
    const cert = await issueCertificate({
      ctx: staff(),
      ref: String(app.id),
      input: { validUntil: "2027-03-31" },
    });
    expect(await verifyCertificate(staff(), cert.code)).toEqual({
      code: cert.code,
      status: "valid",
      number: cert.number,
      holder: "张三",
      itemName: "食品经营许可",
      issuingBody: "测试区市场监督管理局",
      validFrom: "2026-04-01",
      validUntil: "2027-03-31",
    });
    clock.set("2027-03-31T15:59:00Z");
    expect((await verifyCertificate(staff(), cert.code)).status).toBe("valid");
    clock.set("2027-03-31T16:00:00Z"); // April 1st in Shanghai
    expect((await verifyCertificate(staff(), cert.code)).status).toBe("expired");
    await revokeCertificate({ ctx: staff(), code: cert.code, input: { reason: "以欺骗手段取得" } });
    expect((await verifyCertificate(staff(), cert.code)).status).toBe("revoked");
    await expect(verifyCertificate(staff(), "UNKNOWNCODE22")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("a poor rating opens a follow-up due in 15 working days", async () => {
    clock.set("2026-04-27T02:00:00Z"); // Monday; Labour Day holiday 1–5 May, Saturday 9th works
    const app = await apply();
    for (const action of ["accept", "review", "refuse", "complete"]) {
      await act(app.id, action === "refuse" ? { action, reason: "不符合条件" } : { action });
    }
    await expect(
      rateApplication({ ctx: citizen("usr_other"), ref: app.tracking, input: { rating: 1 } }),
    ).rejects.toBeInstanceOf(NotFoundError);
    const r = await rateApplication({
      ctx: citizen(),
      ref: app.tracking,
      input: { rating: 2, comment: "太慢" },
    });
    // 28, 29, 30, 6, 7, 8, 9 (Sat), 11–15, 18, 19, 20 → the 15th working day is May 20th.
    expect(r.followup?.dueAt.toISOString()).toBe("2026-05-20T15:59:59.999Z");
    await expect(
      rateApplication({ ctx: citizen(), ref: app.tracking, input: { rating: 5 } }),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it("consultations: routed to the item's department, escalated when overdue, published as Q&A", async () => {
    clock.set("2026-09-24T02:00:00Z"); // Thursday before the Mid-Autumn holiday (25th–27th)
    const ask = await submitConsultation({
      ctx: citizen(),
      input: {
        kind: "consultation",
        name: "张三",
        subject: "办理时限",
        question: "需要多久？",
        itemCode: "000172001.01",
      },
    });
    expect(ask.department).toBe("行政审批科");
    // 5 working days: 28, 29, 30 September, then 8, 9 October after National Day (10th works).
    expect(ask.dueAt.toISOString()).toBe("2026-10-09T15:59:59.999Z");
    const complaint = await submitConsultation({
      ctx: citizen(),
      input: {
        kind: "complaint",
        name: "张三",
        subject: "态度",
        question: "窗口人员态度差",
        department: "督查室",
      },
    });
    await expect(
      submitConsultation({
        ctx: citizen(),
        input: { kind: "complaint", name: "张三", subject: "x", question: "y" },
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    clock.set("2026-10-09T16:00:00Z");
    expect(await escalateOverdue(staff())).toBe(2);
    await answerConsultation({
      ctx: staff(),
      id: ask.id,
      input: { answer: "承诺时限10个工作日", publish: true },
    });
    await expect(
      answerConsultation({
        ctx: staff(),
        id: complaint.id,
        input: { answer: "已核实", publish: true },
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    const qa = await publicQa(staff());
    expect(qa).toHaveLength(1);
    expect(qa[0]).not.toHaveProperty("name");
  });

  it("an item with a fee opens a payment order that staff confirm once", async () => {
    await saveItem({
      ctx: staff(),
      input: licence({ code: "000172002", name: "收费事项", feeFen: 12_050 }),
    });
    const app = await submitApplication({
      ctx: citizen(),
      input: { itemCode: "000172002", applicantName: "张三", form: { shopName: "张记" } },
    });
    const order = await paymentOf(staff(), app.id);
    expect(order).toMatchObject({ amountFen: 12_050, state: "pending", provider: "counter" });
    expect(order?.reference).toMatch(/^PAY[2-9A-HJKMNP-TV-Z]{12}$/);
    const ref = order?.reference ?? "";
    await expect(
      confirmPayment({ ctx: staff(), reference: ref, input: { method: "bank" } }),
    ).rejects.toBeInstanceOf(ValidationError);
    const paid = await confirmPayment({
      ctx: staff(),
      reference: ref,
      input: { method: "bank", bankReference: "B123" },
    });
    expect(paid?.state).toBe("paid");
    await expect(
      confirmPayment({ ctx: staff(), reference: ref, input: { method: "counter" } }),
    ).rejects.toBeInstanceOf(ConflictError);
  });
});
