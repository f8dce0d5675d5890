import { ValidationError } from "@zhengyun/core";
import { type Database, tenantSchema } from "@zhengyun/db";
import {
  insertUsageEvents,
  markRelayed,
  readUnrelayed,
  recordUsage,
  relayUsage,
  tenantSweep,
} from "@zhengyun/jobs";
import { withTenant } from "@zhengyun/tenancy";
import { count, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";
import { platformTotals } from "./helpers.ts";

const { usageOutbox } = tenantSchema;

describe.each(drivers())("usage outbox relay on %s", (driver) => {
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    tenants = tenantFactory(db);
  });
  afterAll(async () => {
    await tenants.cleanup();
    await db.close();
  });

  /** Records `n` events per meter with varied quantities; returns the ground truth. */
  async function record(t: Tenant, n: number): Promise<Record<string, number>> {
    const truth: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      await withTenant(db, t, async (tx) => {
        for (const meter of ["portal.applications", "api.requests"]) {
          const quantity = (i % 7) + 1;
          await recordUsage(tx, { meter, quantity });
          truth[meter] = (truth[meter] ?? 0) + quantity;
        }
      });
    }
    return truth;
  }

  const unrelayed = (t: Tenant) =>
    withTenant(db, t, async (tx) =>
      Number(
        (await tx.select({ n: count() }).from(usageOutbox).where(isNull(usageOutbox.relayedAt)))[0]
          ?.n,
      ),
    );

  it("relays several tenants exactly once, also after a crash between insert and mark", async () => {
    const list = [await tenants.create(), await tenants.create(), await tenants.create()];
    const truth = new Map<string, Record<string, number>>();
    for (const [i, t] of list.entries()) truth.set(t.id, await record(t, 5 + i * 4));

    // Small batches so every tenant needs several rounds.
    const first = await relayUsage(db, list, { batchSize: 4 });
    expect(first.failed).toEqual([]);
    for (const t of list) {
      expect(await platformTotals(db, t.id)).toEqual({
        rows: 2 * (5 + list.indexOf(t) * 4),
        byMeter: truth.get(t.id),
      });
      expect(await unrelayed(t)).toBe(0);
    }

    // Relaying again finds nothing and adds nothing.
    const again = await relayUsage(db, list);
    expect(again.relayed).toBe(0);

    // Crash: new rows are copied to the platform but never marked relayed.
    const [a] = list as [Tenant];
    const more = await record(a, 3);
    const rows = await readUnrelayed(db, a, 100);
    expect(rows).toHaveLength(6);
    expect(await insertUsageEvents(db, a, rows)).toBe(6);
    expect(await unrelayed(a)).toBe(6);
    // The restarted relay copies them again; the unique key drops every one.
    const recovered = await relayUsage(db, a);
    expect(recovered).toMatchObject({ relayed: 6, inserted: 0 });
    const expected = { ...truth.get(a.id) };
    for (const [m, q] of Object.entries(more)) expected[m] = (expected[m] ?? 0) + q;
    expect(await platformTotals(db, a.id)).toEqual({ rows: 2 * 5 + 6, byMeter: expected });
  });

  it("a crash in the mark step leaves rows to be relayed again without double counting", async () => {
    const t = await tenants.create();
    const truth = await record(t, 4);
    const rows = await readUnrelayed(db, t, 100);
    await insertUsageEvents(db, t, rows);
    // The mark step fails (here: as a tenant that no longer matches), so nothing is marked.
    await expect(markRelayed(db, { ...t, roleName: "no_such_role" }, rows)).rejects.toThrow();
    expect(await unrelayed(t)).toBe(8);
    await relayUsage(db, t.slug);
    expect(await unrelayed(t)).toBe(0);
    expect(await platformTotals(db, t.id)).toEqual({ rows: 8, byMeter: truth });
  });

  it("a rolled-back business transaction leaves no usage", async () => {
    const t = await tenants.create();
    await expect(
      withTenant(db, t, async (tx) => {
        await recordUsage(tx, { meter: "portal.applications", quantity: 1 });
        throw new Error("business rule failed");
      }),
    ).rejects.toThrow("business rule failed");
    expect(await unrelayed(t)).toBe(0);
    expect((await relayUsage(db, t)).relayed).toBe(0);
    expect(await platformTotals(db, t.id)).toEqual({ rows: 0, byMeter: {} });
  });

  it("counts a repeated event id once and refuses bad input without writing", async () => {
    const t = await tenants.create();
    await withTenant(db, t, async (tx) => {
      const id = await recordUsage(tx, { meter: "mi.settlements", quantity: "2.5", eventId: "x1" });
      expect(id).toBe("x1");
      await recordUsage(tx, { meter: "mi.settlements", quantity: "2.5", eventId: "x1" });
    });
    for (const bad of [
      { meter: "Bad Meter", quantity: 1 },
      { meter: "mi.settlements", quantity: -1 },
      { meter: "mi.settlements", quantity: Number.NaN },
    ]) {
      await expect(withTenant(db, t, (tx) => recordUsage(tx, bad))).rejects.toBeInstanceOf(
        ValidationError,
      );
    }
    await relayUsage(db, t);
    expect(await platformTotals(db, t.id)).toEqual({ rows: 1, byMeter: { "mi.settlements": 2.5 } });
  });

  it("sweeps tenants round robin, a bounded number per tick", async () => {
    const list = [await tenants.create(), await tenants.create(), await tenants.create()];
    const slugs = list.map((t) => t.slug).sort();
    const next = tenantSweep(
      db,
      ["active", "suspended"],
      2,
      list.map((t) => t.id),
    );
    const ticks = [];
    for (let i = 0; i < 4; i++) ticks.push((await next()).map((t) => t.slug));
    expect(ticks).toEqual([slugs.slice(0, 2), slugs.slice(2), slugs.slice(0, 2), slugs.slice(2)]);
  });
});
