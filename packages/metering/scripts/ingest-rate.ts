/**
 * Raw rate of the ingest verb (no HTTP): 1,000-event batches into the Postgres at DATABASE_URL,
 * with 1 and with 4 concurrent senders. Writes under throwaway tenant ids and deletes them after.
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node --import tsx scripts/ingest-rate.ts
 */
import { randomBytes } from "node:crypto";
import { loadNodeConfig } from "@zhengyun/core/node";
import { openDatabase, prepareDatabase } from "@zhengyun/db/node";
import { sql } from "drizzle-orm";
import { ensureMeters, ingestEvents } from "../src/index.ts";

const cfg = loadNodeConfig();
if (!cfg.DATABASE_URL) throw new Error("set DATABASE_URL to a Postgres database");
const db = await openDatabase({ ...cfg, DB_POOL_MAX: 8 });
await prepareDatabase(db);
await ensureMeters(db);
const run = randomBytes(4).toString("hex");
const tenants = Array.from({ length: 8 }, (_, i) => `ten_bench_${run}_${i}`);
const meters = ["api.requests", "sms.sent", "terminal.transactions", "portal.applications"];
const start = Date.now() - 3 * 3600_000;

const batch = (n: number) => ({
  tenantId: tenants[n % tenants.length] as string,
  source: "bench",
  events: Array.from({ length: 1000 }, (_, i) => ({
    id: `${run}-${n}-${i}`,
    meter: meters[i % meters.length] as string,
    quantity: (i % 5) + 1,
    time: new Date(start + ((n * 1000 + i) % 10_800) * 1000),
  })),
});

let next = 0;
async function measure(senders: number, batches: number): Promise<number> {
  const stop = next + batches;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: senders }, async () => {
      while (next < stop) await ingestEvents(db, batch(next++));
    }),
  );
  return (batches * 1000) / ((performance.now() - t0) / 1000);
}

await measure(2, 10); // warm up: partitions, plans, connections
for (const senders of [1, 4]) {
  const rate = await measure(senders, 200);
  console.log(`${senders} sender(s): ${Math.round(rate).toLocaleString("en")} events/s`);
}
for (const table of ["usage_events", "usage_event_keys", "usage_hourly", "usage_daily"]) {
  await db.orm.execute(
    sql`delete from ${sql.raw(`platform.${table}`)} where tenant_id like ${`ten_bench_${run}_%`}`,
  );
}
await db.close();
