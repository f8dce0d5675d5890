import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Clock, ManualClock, ValidationError } from "@zhengyun/core";
import { type Database, tenantSchema } from "@zhengyun/db";
import {
  deliverTenantNotifications,
  enqueueNotification,
  mailboxProvider,
  type NotificationInput,
  type NotificationProvider,
  type OutgoingMessage,
  relayUsage,
  sentEventId,
  type UsageSink,
} from "@zhengyun/jobs";
import { outboxUsageSink } from "@zhengyun/metering";
import { withTenant } from "@zhengyun/tenancy";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";
import { platformTotals } from "./helpers.ts";

/** Metering refuses events from the future; judge "future" by the test's clock, a year ahead. */
const sinkAt =
  (clock: Clock): UsageSink =>
  (db, tenantId, events) =>
    outboxUsageSink(db, tenantId, events, { clock });

const { notificationOutbox, usageOutbox } = tenantSchema;

/*
 * The clock runs a year ahead and each message is queued due at that time, so a job runner of
 * another suite sharing the test Postgres (system clock) never picks these messages up.
 */
const START = new Date(Date.now() + 365 * 86_400_000);

describe.each(drivers())("notifications on %s", (driver) => {
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let dir: string;

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    tenants = tenantFactory(db);
    dir = await mkdtemp(join(tmpdir(), "zy-mailbox-"));
  });
  afterAll(async () => {
    await tenants.cleanup();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function enqueue(t: Tenant, input: NotificationInput): Promise<string> {
    return withTenant(db, t, async (tx) => {
      const id = await enqueueNotification(tx, input);
      await tx
        .update(notificationOutbox)
        .set({ nextAttemptAt: START })
        .where(eq(notificationOutbox.id, id));
      return id;
    });
  }
  const row = (t: Tenant, id: string) =>
    withTenant(db, t, async (tx) => {
      const [r] = await tx.select().from(notificationOutbox).where(eq(notificationOutbox.id, id));
      if (!r) throw new Error("notification row missing");
      return r;
    });
  const usageRows = (t: Tenant) => withTenant(db, t, (tx) => tx.select().from(usageOutbox));

  /** Fails the first `failures` calls, then accepts; records every attempt. */
  function flaky(failures: number) {
    const calls: OutgoingMessage[] = [];
    const provider: NotificationProvider = {
      async send(msg) {
        calls.push(msg);
        if (calls.length <= failures) throw new Error(`gateway down (${calls.length})`);
        return { providerId: `gw-${calls.length}` };
      },
    };
    return { provider, calls };
  }

  it("delivers email and SMS to the mailbox file and counts each once as usage", async () => {
    const t = await tenants.create();
    const clock = new ManualClock(START);
    const mailbox = mailboxProvider({ dataDir: dir });
    const email = await enqueue(t, {
      channel: "email",
      recipient: "zhang.wei@dongcheng.gov.cn",
      subject: "您的申请已受理",
      body: "申请编号 7K4M2Q9PXA 已受理，请留意后续通知。",
    });
    const sms = await enqueue(t, {
      channel: "sms",
      recipient: "+8613800138000",
      body: "验证码 482913",
    });

    expect(await deliverTenantNotifications(db, t, mailbox, { clock })).toEqual({
      sent: 2,
      retrying: 0,
      failed: 0,
    });
    const text = await readFile(join(dir, "mailbox", `${t.slug}.txt`), "utf8");
    expect(text).toContain("To:       zhang.wei@dongcheng.gov.cn");
    expect(text).toContain("Subject:  您的申请已受理");
    expect(text).toContain("申请编号 7K4M2Q9PXA 已受理");
    expect(text).toContain("Channel:  sms");
    expect(text).toContain("验证码 482913");
    expect((await row(t, email)).status).toBe("sent");

    // Nothing left to send; a second run sends nothing and counts nothing.
    expect((await deliverTenantNotifications(db, t, mailbox, { clock })).sent).toBe(0);
    const usage = await usageRows(t);
    expect(usage.map((u) => [u.meter, u.quantity, u.eventId]).sort()).toEqual(
      [
        ["email.sent", "1", sentEventId(email)],
        ["sms.sent", "1", sentEventId(sms)],
      ].sort(),
    );
    await relayUsage(db, t, { sink: sinkAt(clock) });
    expect(await platformTotals(db, t.id)).toEqual({
      rows: 2,
      byMeter: { "email.sent": 1, "sms.sent": 1 },
    });
  });

  it("retries with exponential backoff and counts a message sent on the third try once", async () => {
    const t = await tenants.create();
    const clock = new ManualClock(START);
    const { provider, calls } = flaky(2);
    const id = await enqueue(t, { channel: "sms", recipient: "13900139000", body: "办理结果已出" });
    const opts = { clock, baseDelayMs: 30_000 };

    expect(await deliverTenantNotifications(db, t, provider, opts)).toMatchObject({ retrying: 1 });
    let r = await row(t, id);
    expect(r).toMatchObject({ status: "pending", attempts: 1, lastError: "gateway down (1)" });
    expect(r.nextAttemptAt.getTime() - START.getTime()).toBe(30_000);

    // Not due yet: nothing is attempted.
    clock.advance(29_999);
    expect(await deliverTenantNotifications(db, t, provider, opts)).toMatchObject({ retrying: 0 });
    expect(calls).toHaveLength(1);

    clock.advance(1);
    expect(await deliverTenantNotifications(db, t, provider, opts)).toMatchObject({ retrying: 1 });
    r = await row(t, id);
    expect(r).toMatchObject({ attempts: 2, lastError: "gateway down (2)" });
    expect(r.nextAttemptAt.getTime() - clock.now().getTime()).toBe(60_000); // doubled

    clock.advance(60_000);
    expect(await deliverTenantNotifications(db, t, provider, opts)).toMatchObject({ sent: 1 });
    expect(calls.map((c) => c.attempt)).toEqual([1, 2, 3]);
    expect(await row(t, id)).toMatchObject({ status: "sent", attempts: 3, lastError: null });
    const usage = await usageRows(t);
    expect(usage.map((u) => u.eventId)).toEqual([sentEventId(id)]);
    await relayUsage(db, t, { sink: sinkAt(clock) });
    expect(await platformTotals(db, t.id)).toEqual({ rows: 1, byMeter: { "sms.sent": 1 } });
  });

  it("gives up as failed after the maximum attempts and counts nothing", async () => {
    const t = await tenants.create();
    const clock = new ManualClock(START);
    const { provider, calls } = flaky(Number.POSITIVE_INFINITY);
    const id = await enqueue(t, { channel: "email", recipient: "li@example.cn", body: "提醒" });
    const opts = { clock, maxAttempts: 3, baseDelayMs: 1_000 };
    for (let i = 0; i < 5; i++) {
      await deliverTenantNotifications(db, t, provider, opts);
      clock.advance(3_600_000);
    }
    expect(calls).toHaveLength(3);
    expect(await row(t, id)).toMatchObject({
      status: "failed",
      attempts: 3,
      lastError: "gateway down (3)",
    });
    expect(await usageRows(t)).toEqual([]);
  });

  it("queues nothing when the business transaction rolls back or the input is bad", async () => {
    const t = await tenants.create();
    await expect(
      withTenant(db, t, async (tx) => {
        await enqueueNotification(tx, { channel: "email", recipient: "a@b.cn", body: "x" });
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    for (const bad of [
      { channel: "email", recipient: "not-an-address", body: "x" },
      { channel: "sms", recipient: "call me", body: "x" },
      { channel: "fax", recipient: "a@b.cn", body: "x" },
      { channel: "email", recipient: "a@b.cn", body: "  " },
    ] as NotificationInput[]) {
      await expect(withTenant(db, t, (tx) => enqueueNotification(tx, bad))).rejects.toBeInstanceOf(
        ValidationError,
      );
    }
    expect(await withTenant(db, t, (tx) => tx.select().from(notificationOutbox))).toEqual([]);
  });
});
