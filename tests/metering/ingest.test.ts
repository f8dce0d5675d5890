import { ValidationError } from "@zhengyun/core";
import { type Database, query } from "@zhengyun/db";
import { ingestEvents, type UsageEventInput } from "@zhengyun/metering";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, testDatabaseUrl } from "../harness/index.ts";
import { countRows, NOW, rawTotals, rollupTotals, setup } from "./helpers.ts";

type Ctx = Awaited<ReturnType<typeof setup>>;

const ev = (id: string, quantity: number, time = NOW, meter = "terminal.transactions") => ({
  id,
  meter,
  quantity,
  time,
});

describe.each(drivers())("ingestEvents on %s", (driver) => {
  let ctx: Ctx;
  let db: Database;
  beforeAll(async () => {
    ctx = await setup(driver);
    db = ctx.db;
  });
  afterAll(async () => {
    await ctx.tenants.cleanup();
    await db.close();
  });
  const ingest = (tenantId: string, events: UsageEventInput[], source = "test") =>
    ingestEvents(db, { tenantId, source, events }, { clock: ctx.clock });

  it("answers accepted then duplicate, in order, counting an id repeated in a batch once", async () => {
    const t = await ctx.tenants.create();
    const first = await ingest(t.id, [ev("a", 2), ev("b", 3), ev("a", 100)]);
    expect(first).toEqual([
      { id: "a", status: "accepted" },
      { id: "b", status: "accepted" },
      { id: "a", status: "duplicate" },
    ]);
    const again = await ingest(t.id, [ev("c", 1), ev("b", 3)]);
    expect(again.map((r) => r.status)).toEqual(["accepted", "duplicate"]);
    expect(await rawTotals(db, t.id)).toEqual({
      "terminal.transactions": { quantity: 6, events: 3 },
    });
    expect(await rollupTotals(db, t.id, "usage_daily")).toEqual(await rawTotals(db, t.id));
    expect(await rollupTotals(db, t.id, "usage_hourly")).toEqual(await rawTotals(db, t.id));
  });

  it("keeps rollups exact to the last digit for fractional quantities, new and replayed", async () => {
    const t = await ctx.tenants.create();
    const qs = [0.1, 0.2, 0.7, 1e-7, 123456789.123456];
    await ingest(
      t.id,
      qs.map((q, i) => ev(`f${i}`, q, NOW, "sms.sent")),
    );
    // A stored key beside a new one: the batch's rollups are those of the new event only.
    const again = await ingest(t.id, [
      ev("f0", 0.1, NOW, "sms.sent"),
      ev("g", 0.05, NOW, "sms.sent"),
    ]);
    expect(again.map((r) => r.status)).toEqual(["duplicate", "accepted"]);
    const [sums] = await query<{ raw: string; hourly: string; daily: string }>(
      db.orm,
      sql`select
        (select sum(quantity)::text from platform.usage_events where tenant_id = ${t.id}) as raw,
        (select sum(quantity)::text from platform.usage_hourly where tenant_id = ${t.id}) as hourly,
        (select sum(quantity)::text from platform.usage_daily where tenant_id = ${t.id}) as daily`,
    );
    const exact = "123456790.1734561";
    expect(sums).toEqual({ raw: exact, hourly: exact, daily: exact });
  });

  it("keeps (tenant, source, id) apart: the same id from another source or tenant counts", async () => {
    const t = await ctx.tenants.create();
    const u = await ctx.tenants.create();
    await ingest(t.id, [ev("x", 1)], "terminal-1");
    const other = await ingest(t.id, [ev("x", 1)], "terminal-2");
    const otherTenant = await ingest(u.id, [ev("x", 1)], "terminal-1");
    expect([other[0]?.status, otherTenant[0]?.status]).toEqual(["accepted", "accepted"]);
    expect((await rawTotals(db, t.id))["terminal.transactions"]?.events).toBe(2);
  });

  it("refuses a batch with one bad event, names every offender, and writes nothing", async () => {
    const t = await ctx.tenants.create();
    const bad: UsageEventInput[] = [
      ev("ok-1", 1),
      { id: "m", meter: "no.such.meter", quantity: 1, time: NOW },
      ev("neg", -1),
      ev("inf", Number.POSITIVE_INFINITY),
      ev("future", 1, "2026-03-20T04:06:00Z"),
      ev("old", 1, "2025-01-01T00:00:00Z"),
      { id: "bad-time", meter: "sms.sent", quantity: 1, time: "yesterday" },
      { id: "u", meter: "users.active", time: NOW },
      { id: "", meter: "sms.sent", quantity: 1, time: NOW },
    ];
    const err = await ingest(t.id, bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    const issues = (err as ValidationError).issues ?? [];
    expect(issues.map((i) => i.path)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((i) => `events[${i}]`));
    expect(issues[0]?.message).toContain('unknown meter "no.such.meter"');
    expect(issues[3]?.message).toContain('id "future"');
    for (const table of ["usage_events", "usage_event_keys", "usage_daily", "usage_hourly"]) {
      expect(await countRows(db, table, t.id)).toBe(0);
    }
    await expect(
      ingest(
        t.id,
        Array.from({ length: 1001 }, (_, i) => ev(`e${i}`, 1)),
      ),
    ).rejects.toThrow(/at most 1000/);
  });

  it("gives exact totals when several clients replay the same batches concurrently", async () => {
    const t = await ctx.tenants.create();
    const batches = Array.from({ length: 6 }, (_, b) =>
      Array.from({ length: 200 }, (_, i) => {
        // Overlapping batches: event ids repeat across batches, times spread over two days.
        const n = b * 150 + i;
        const time = new Date(Date.parse("2026-03-18T00:00:00Z") + n * 97_000).toISOString();
        return ev(`e${n}`, (n % 7) + 1, time);
      }),
    );
    const truth = new Map<string, number>();
    for (const e of batches.flat()) truth.set(e.id, e.quantity);
    const clients = 4;
    const results = await Promise.all(
      Array.from({ length: clients }, (_, c) =>
        Promise.all(batches.map((_, b) => ingest(t.id, batches[(b + c) % batches.length] ?? []))),
      ),
    );
    const accepted = results.flat(2).filter((r) => r.status === "accepted").length;
    expect(accepted).toBe(truth.size);
    const expected = {
      quantity: [...truth.values()].reduce((a, b) => a + b, 0),
      events: truth.size,
    };
    expect(await rawTotals(db, t.id)).toEqual({ "terminal.transactions": expected });
    expect(await rollupTotals(db, t.id, "usage_hourly")).toEqual({
      "terminal.transactions": expected,
    });
    expect(await rollupTotals(db, t.id, "usage_daily")).toEqual({
      "terminal.transactions": expected,
    });
  });
});

describe.each(drivers().filter((d) => d === "postgres"))(
  "ingest with a killed connection on %s",
  (driver) => {
    let ctx: Ctx;
    beforeAll(async () => {
      ctx = await setup(driver);
    });
    afterAll(async () => {
      await ctx.tenants.cleanup();
      await ctx.db.close();
    });

    it("loses nothing and counts nothing twice when the backend dies mid-batch and the client retries", async () => {
      const { db, clock } = ctx;
      const t = await ctx.tenants.create();
      const ingest = (events: UsageEventInput[]) =>
        ingestEvents(db, { tenantId: t.id, source: "terminal", events }, { clock });
      const batch = (from: number) =>
        Array.from({ length: 1000 }, (_, i) => ev(`k${from + i}`, 2, "2026-03-19T01:30:00Z"));
      await ingest(batch(0));
      // Another session holds the rollup row the next batch must update, so that batch is caught
      // mid-statement (keys and raw rows already inserted) when its backend is terminated.
      const locker = postgres(testDatabaseUrl(), { max: 2, onnotice: () => {} });
      const held = await locker.reserve();
      try {
        await held`begin`;
        await held`select 1 from platform.usage_hourly where tenant_id = ${t.id} for update`;
        const doomed = ingest(batch(500)).then(
          () => "committed",
          (err: unknown) => `failed: ${String(err)}`,
        );
        let pid: number | undefined;
        while (pid === undefined) {
          // Not through `held`: inside its transaction pg_stat_activity is a frozen snapshot.
          const rows = await locker<{ pid: number }[]>`select pid from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'
            and query like '%usage_hourly%' and pid <> pg_backend_pid()`;
          pid = rows[0]?.pid;
          if (pid === undefined) await new Promise((r) => setTimeout(r, 20));
        }
        await held`select pg_terminate_backend(${pid})`;
        expect(await doomed).toMatch(/^failed/);
        await held`rollback`;
      } finally {
        held.release();
        await locker.end();
      }
      expect(await rawTotals(db, t.id)).toEqual({
        "terminal.transactions": { quantity: 2000, events: 1000 },
      });
      const retried = await ingest(batch(500));
      expect(retried.filter((r) => r.status === "accepted")).toHaveLength(500);
      const truth = { "terminal.transactions": { quantity: 3000, events: 1500 } };
      expect(await rawTotals(db, t.id)).toEqual(truth);
      expect(await rollupTotals(db, t.id, "usage_hourly")).toEqual(truth);
      expect(await rollupTotals(db, t.id, "usage_daily")).toEqual(truth);
    });
  },
);
