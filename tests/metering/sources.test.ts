import type { Database } from "@zhengyun/db";
import {
  createRequestCounter,
  ingestEvents,
  outboxUsageSink,
  snapshotStorage,
  type UsageEventInput,
  usageSeries,
} from "@zhengyun/metering";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers } from "../harness/index.ts";
import { dropUsage, rawTotals, setup } from "./helpers.ts";

type Ctx = Awaited<ReturnType<typeof setup>>;

describe.each(drivers())("request counter and storage snapshots on %s", (driver) => {
  let ctx: Ctx;
  let db: Database;
  const used: string[] = [];
  beforeAll(async () => {
    ctx = await setup(driver);
    db = ctx.db;
  });
  afterAll(async () => {
    await dropUsage(db, used);
    await ctx.tenants.cleanup();
    await db.close();
  });
  const sink = (tenantId: string, events: UsageEventInput[]) =>
    ingestEvents(db, { tenantId, source: "api", events }, { clock: ctx.clock });

  it("flushes per-tenant counts; a flush retried after an unseen success counts once", async () => {
    const [a, b] = ["ten_ctr_a", "ten_ctr_b"].map((id) => `${id}_${driver}_${process.pid}`);
    used.push(a as string, b as string);
    let failAfterWrite = true;
    const counter = createRequestCounter({
      intervalMs: 3_600_000,
      clock: ctx.clock,
      // The first write commits but its answer is lost, like a timeout: the retry must not count twice.
      flush: async (tenantId, events) => {
        await sink(tenantId, events);
        if (failAfterWrite) {
          failAfterWrite = false;
          throw new Error("answer lost");
        }
      },
    });
    for (let i = 0; i < 5; i++) counter.count(a as string);
    counter.count(b as string, 3);
    await expect(counter.flush()).rejects.toThrow("answer lost");
    counter.count(a as string, 10);
    await counter.close();
    expect((await rawTotals(db, a as string))["api.requests"]).toEqual({ quantity: 15, events: 2 });
    expect((await rawTotals(db, b as string))["api.requests"]).toEqual({ quantity: 3, events: 1 });
  });

  it("records storage.bytes per tenant for a day, once", async () => {
    const t = await ctx.tenants.create();
    const u = await ctx.tenants.create();
    used.push(t.id, u.id);
    const bytes = new Map([
      [t.id, 5_000],
      [u.id, 0],
    ]);
    const store = { totalBytes: async (id: string) => bytes.get(id) ?? 0 };
    const opts = { clock: ctx.clock, tenantIds: [t.id, u.id] };
    const first = await snapshotStorage(db, store, "2026-03-19", opts);
    expect(first.map((s) => [s.slug, s.bytes, s.status]).sort()).toEqual(
      [
        [t.slug, 5_000, "accepted"],
        [u.slug, 0, "accepted"],
      ].sort(),
    );
    bytes.set(t.id, 9_999);
    const again = await snapshotStorage(db, store, "2026-03-19", opts);
    expect(again.every((s) => s.status === "duplicate")).toBe(true);
    const s = await usageSeries(db, {
      tenantId: t.id,
      meter: "storage.bytes",
      from: "2026-03-19",
      to: "2026-03-19",
      granularity: "day",
    });
    expect(s.points).toEqual([{ start: "2026-03-19", quantity: 5_000 }]);
  });

  it("relays outbox rows through the same path, once", async () => {
    const tenantId = `ten_outbox_${driver}_${process.pid}`;
    used.push(tenantId);
    const rows = [
      {
        eventId: "evt_1",
        meter: "portal.applications",
        quantity: "1",
        occurredAt: new Date("2026-03-19T02:00:00Z"),
      },
      {
        eventId: "evt_2",
        meter: "sms.sent",
        quantity: "2",
        occurredAt: new Date("2026-03-19T03:00:00Z"),
      },
    ];
    expect(await outboxUsageSink(db, tenantId, rows, { clock: ctx.clock })).toBe(2);
    // A relay that crashed before marking its rows sends them again.
    expect(await outboxUsageSink(db, tenantId, rows, { clock: ctx.clock })).toBe(0);
    expect(await rawTotals(db, tenantId)).toEqual({
      "portal.applications": { quantity: 1, events: 1 },
      "sms.sent": { quantity: 2, events: 1 },
    });
  });
});
