import { ValidationError } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import {
  closeUsageThrough,
  ingestEvents,
  lateEvents,
  type UsageEventInput,
  usageSeries,
} from "@zhengyun/metering";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, type Tenant } from "../harness/index.ts";
import { setup } from "./helpers.ts";

type Ctx = Awaited<ReturnType<typeof setup>>;

describe.each(drivers())("usage series and late events on %s", (driver) => {
  let ctx: Ctx;
  let db: Database;
  let t: Tenant;
  beforeAll(async () => {
    ctx = await setup(driver);
    db = ctx.db;
    t = await ctx.tenants.create();
  });
  afterAll(async () => {
    await ctx.tenants.cleanup();
    await db.close();
  });
  const ingest = (events: UsageEventInput[], tenantId = t.id) =>
    ingestEvents(db, { tenantId, source: "test", events }, { clock: ctx.clock });
  const series = (meter: string, from: string, to: string, granularity: "day" | "month" = "day") =>
    usageSeries(db, { tenantId: t.id, meter, from, to, granularity });

  it("cuts days at midnight in Asia/Shanghai, not UTC", async () => {
    await ingest([
      // 2026-03-10 15:59:59Z is 23:59:59 on the 10th in Shanghai; one second later is the 11th.
      { id: "d1", meter: "sms.sent", quantity: 1, time: "2026-03-10T15:59:59Z" },
      { id: "d2", meter: "sms.sent", quantity: 10, time: "2026-03-10T16:00:00Z" },
      { id: "d3", meter: "sms.sent", quantity: 100, time: "2026-03-09T16:00:00Z" },
    ]);
    const s = await series("sms.sent", "2026-03-10", "2026-03-11");
    expect(s).toEqual({
      tenant: t.slug,
      meter: "sms.sent",
      unit: "message",
      granularity: "day",
      points: [
        { start: "2026-03-10", quantity: 101 },
        { start: "2026-03-11", quantity: 10 },
      ],
      total: 111,
    });
    const month = await series("sms.sent", "2026-03-01", "2026-03-31", "month");
    expect(month.points).toEqual([{ start: "2026-03-01", quantity: 111 }]);
  });

  it("counts distinct keys once per month (unique_count), first-seen day in day view", async () => {
    const u = (id: string, key: string, time: string) => ({ id, meter: "users.active", key, time });
    await ingest([
      u("u1", "alice", "2026-02-27T01:00:00Z"),
      u("u2", "alice", "2026-02-28T01:00:00Z"),
      u("u3", "bob", "2026-02-28T02:00:00Z"),
      // 2026-02-28T16:30Z is already March 1st in Shanghai: alice counts again, in March.
      u("u4", "alice", "2026-02-28T16:30:00Z"),
      u("u5", "alice", "2026-03-05T01:00:00Z"),
      u("u6", "carol", "2026-03-06T01:00:00Z"),
    ]);
    const months = await series("users.active", "2026-02-01", "2026-03-31", "month");
    expect(months.points).toEqual([
      { start: "2026-02-01", quantity: 2 },
      { start: "2026-03-01", quantity: 2 },
    ]);
    expect(months.total).toBe(4);
    const days = await series("users.active", "2026-02-27", "2026-03-01");
    expect(days.points.map((p) => p.quantity)).toEqual([1, 1, 1]);
  });

  it("takes a day's last reading for latest meters and averages a month's days", async () => {
    // (300 + 2800) byte-days over March's 31 days = 100 byte-months.
    const s = (id: string, quantity: number, time: string) => ({
      id,
      meter: "storage.bytes",
      quantity,
      time,
    });
    await ingest([s("s1", 300, "2026-03-02T10:00:00Z"), s("s0", 900, "2026-03-02T01:00:00Z")]);
    await ingest([s("s2", 2800, "2026-03-03T10:00:00Z")]);
    const days = await series("storage.bytes", "2026-03-02", "2026-03-03");
    expect(days.points.map((p) => p.quantity)).toEqual([300, 2800]);
    const month = await series("storage.bytes", "2026-03-01", "2026-03-31", "month");
    expect(month.points).toEqual([{ start: "2026-03-01", quantity: 100 }]);
    expect(month.total).toBe(100);
  });

  it("keeps the maximum for max meters", async () => {
    await ingest([
      { id: "m1", meter: "test.max", quantity: 5, time: "2026-03-12T01:00:00Z" },
      { id: "m2", meter: "test.max", quantity: 9, time: "2026-03-12T02:00:00Z" },
      { id: "m3", meter: "test.max", quantity: 7, time: "2026-03-13T02:00:00Z" },
    ]);
    const s = await series("test.max", "2026-03-12", "2026-03-13", "month");
    expect(s.points).toEqual([{ start: "2026-03-12", quantity: 9 }]);
    expect((await series("test.max", "2026-03-13", "2026-03-13")).total).toBe(7);
  });

  it("stores events for an invoiced period, flagged late for finance", async () => {
    const other = await ctx.tenants.create();
    const closed = new Date("2026-03-01T00:00:00+08:00");
    await closeUsageThrough(db, other.id, closed);
    // Closing never moves back: a re-run with an earlier date keeps the later one.
    expect(await closeUsageThrough(db, other.id, new Date("2026-01-01T00:00:00Z"))).toEqual(closed);
    await ingest(
      [
        { id: "late", meter: "sms.sent", quantity: 4, time: "2026-02-28T15:00:00Z" },
        { id: "on-time", meter: "sms.sent", quantity: 1, time: "2026-03-02T00:00:00Z" },
      ],
      other.id,
    );
    const late = await lateEvents(db, {
      tenantId: other.id,
      from: new Date("2026-01-01T00:00:00Z"),
      to: new Date("2026-04-01T00:00:00Z"),
    });
    expect(late.map((e) => [e.eventId, e.quantity])).toEqual([["late", 4]]);
  });

  it("refuses bad queries", async () => {
    await expect(series("sms.sent", "2026-03-02", "2026-03-01")).rejects.toThrow(ValidationError);
    await expect(series("sms.sent", "2026-02-30", "2026-03-01")).rejects.toThrow(ValidationError);
    await expect(series("nope", "2026-03-01", "2026-03-01")).rejects.toThrow(/unknown meter/);
    await expect(
      usageSeries(db, {
        tenantId: "ten_missing",
        meter: "sms.sent",
        from: "2026-03-01",
        to: "2026-03-01",
        granularity: "day",
      }),
    ).rejects.toThrow(/tenant not found/);
  });
});
