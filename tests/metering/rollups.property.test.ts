import { randomBytes } from "node:crypto";
import { type Database, query } from "@zhengyun/db";
import { ingestEvents } from "@zhengyun/metering";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers } from "../harness/index.ts";
import { dropUsage, setup } from "./helpers.ts";

type Ctx = Awaited<ReturnType<typeof setup>>;

const METERS = ["sms.sent", "portal.applications", "storage.bytes", "test.max"];
const BASE = Date.parse("2026-03-15T14:00:00Z");

/** Each id has one payload (a replay resends the same event); times are distinct per id. */
const eventsArb = fc.array(
  fc.record({
    meter: fc.constantFrom(...METERS),
    quantity: fc.integer({ min: 0, max: 1000 }),
    jitter: fc.integer({ min: 0, max: 400 }),
  }),
  { minLength: 1, maxLength: 60 },
);
const scenarioArb = eventsArb.chain((payloads) =>
  fc.record({
    payloads: fc.constant(payloads),
    batches: fc.array(fc.array(fc.nat(payloads.length - 1), { minLength: 1, maxLength: 40 }), {
      minLength: 1,
      maxLength: 5,
    }),
  }),
);

type Row = {
  meter: string;
  p: string;
  q: string;
  n: string | number;
  mx: string;
  la: string;
  lq: string;
};

/** Rollup rows, or the same figures aggregated straight from raw events, as comparable strings. */
async function figures(
  db: Database,
  tenantId: string,
  source: "hourly" | "daily" | "raw-hourly" | "raw-daily",
) {
  const period = source.endsWith("hourly")
    ? sql.raw("date_trunc('hour', occurred_at)")
    : sql.raw("(occurred_at at time zone 'Asia/Shanghai')::date");
  const q = source.startsWith("raw")
    ? sql`select meter, ${period}::text as p, sum(quantity) as q, count(*) as n, max(quantity) as mx,
        max(occurred_at) as la, (array_agg(quantity order by occurred_at desc))[1] as lq
        from platform.usage_events where tenant_id = ${tenantId} group by 1, 2`
    : sql`select meter, ${sql.raw(source === "hourly" ? "hour" : "day")}::text as p, quantity as q,
        events as n, max_quantity as mx, latest_at as la, latest_quantity as lq
        from ${sql.raw(`platform.usage_${source}`)} where tenant_id = ${tenantId}`;
  const rows = await query<Row>(db.orm, q);
  return rows
    .map((r) =>
      [
        r.meter,
        r.p,
        Number(r.q),
        Number(r.n),
        Number(r.mx),
        new Date(r.la).toISOString(),
        Number(r.lq),
      ].join("|"),
    )
    .sort();
}

describe.each(drivers())("rollups equal a direct aggregation over raw events on %s", (driver) => {
  let ctx: Ctx;
  const used: string[] = [];
  beforeAll(async () => {
    ctx = await setup(driver);
  });
  afterAll(async () => {
    await dropUsage(ctx.db, used);
    await ctx.db.close();
  });

  it("for any batches, replays and duplicates", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ payloads, batches }) => {
        const tenantId = `ten_prop_${randomBytes(6).toString("hex")}`;
        used.push(tenantId);
        const event = (i: number) => {
          const p = payloads[i] as (typeof payloads)[number];
          const time = new Date(BASE + (i * 401 + p.jitter) * 60_000);
          return { id: `e${i}`, meter: p.meter, quantity: p.quantity, time };
        };
        for (const batch of batches) {
          await ingestEvents(
            ctx.db,
            { tenantId, source: "prop", events: batch.map(event) },
            { clock: ctx.clock },
          );
        }
        const seen = [...new Set(batches.flat())];
        const raw = await query<{ n: string | number; q: string | null }>(
          ctx.db.orm,
          sql`select count(*) as n, sum(quantity) as q from platform.usage_events where tenant_id = ${tenantId}`,
        );
        expect(Number(raw[0]?.n)).toBe(seen.length);
        expect(Number(raw[0]?.q ?? 0)).toBe(
          seen.reduce((a, i) => a + (payloads[i]?.quantity ?? 0), 0),
        );
        expect(await figures(ctx.db, tenantId, "hourly")).toEqual(
          await figures(ctx.db, tenantId, "raw-hourly"),
        );
        expect(await figures(ctx.db, tenantId, "daily")).toEqual(
          await figures(ctx.db, tenantId, "raw-daily"),
        );
      }),
      { numRuns: 25 },
    );
  });
});
