import { type Database, query, tenantSchema } from "@zhengyun/db";
import { TenantContextError, withTenant } from "@zhengyun/tenancy";
import { count, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";

const { settings } = tenantSchema;

describe.each(drivers())("withTenant isolation on %s", (driver) => {
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let a: Tenant;
  let b: Tenant;

  const countIn = (t: Tenant) =>
    withTenant(db, t, async (tx) => Number((await tx.select({ n: count() }).from(settings))[0]?.n));

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    tenants = tenantFactory(db);
    a = await tenants.create();
    b = await tenants.create();
    // Decoy rows in a default schema: a query that lost its tenant context would find these.
    // Serialised: concurrent CREATE TABLE IF NOT EXISTS can collide in the catalog.
    await db.orm.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext('zhengyun:test:decoys'))`);
      await tx.execute(
        sql`create table if not exists public.settings (key text primary key, value jsonb, updated_at timestamptz)`,
      );
      await tx.execute(
        sql`insert into public.settings values ('decoy-1', '1', now()), ('decoy-2', '1', now()), ('decoy-3', '1', now()) on conflict do nothing`,
      );
    });
    await withTenant(db, a, (tx) =>
      tx.insert(settings).values([
        { key: "a1", value: 1 },
        { key: "a2", value: 2 },
      ]),
    );
    await withTenant(db, b, (tx) => tx.insert(settings).values([{ key: "b1", value: 1 }]));
  });
  afterAll(async () => {
    await tenants.cleanup();
    await db.close();
  });

  it("sees exactly its own rows after each switch", async () => {
    for (let i = 0; i < 3; i++) {
      expect(await countIn(a)).toBe(2);
      expect(await countIn(b)).toBe(1);
    }
  });

  it("joins the outer transaction for a nested call for the same tenant", async () => {
    await withTenant(db, a, async (outer) => {
      await outer.insert(settings).values({ key: "nested", value: 0 });
      const inner = await withTenant(db, a, async (tx) => {
        expect(tx).toBe(outer);
        return Number((await tx.select({ n: count() }).from(settings))[0]?.n);
      });
      expect(inner).toBe(3);
      await outer.delete(settings).where(sql`key = 'nested'`);
    });
    expect(await countIn(a)).toBe(2);
  });

  it("refuses a nested call for another tenant", async () => {
    await expect(withTenant(db, a, () => withTenant(db, b, async () => 1))).rejects.toBeInstanceOf(
      TenantContextError,
    );
    expect(await countIn(a)).toBe(2);
  });

  it("rolls back everything when the callback throws, and the next call is clean", async () => {
    await expect(
      withTenant(db, a, async (tx) => {
        await tx.insert(settings).values({ key: "doomed", value: 0 });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await countIn(a)).toBe(2);
    expect(await countIn(b)).toBe(1);
  });

  it("lets the database refuse a fully qualified query against another tenant", async () => {
    const err = await withTenant(db, b, (tx) =>
      query(tx, sql.raw(`select * from ${a.schemaName}.settings`)),
    ).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error & { cause?: Error }).cause?.message ?? err)).toMatch(
      /permission denied/,
    );
  });

  it("forbids changing or deleting audit rows from the tenant role", async () => {
    await withTenant(db, a, (tx) =>
      tx.insert(tenantSchema.auditLog).values({ id: `aud_${a.id}`, action: "test.insert" }),
    );
    for (const stmt of ["delete from audit_log", "update audit_log set action = 'x'"]) {
      const err = await withTenant(db, a, (tx) => query(tx, sql.raw(stmt))).catch((e: Error) => e);
      expect(String((err as Error & { cause?: Error }).cause?.message)).toMatch(
        /permission denied/,
      );
    }
  });

  it("keeps exact totals under 10 concurrent workers × 50 random switches", async () => {
    const expected = new Map<string, number>([
      [a.id, 2],
      [b.id, 1],
    ]);
    const pick = () => (Math.random() < 0.5 ? a : b);
    let seq = 0;
    await Promise.all(
      Array.from({ length: 10 }, async (_, w) => {
        for (let i = 0; i < 50; i++) {
          const t = pick();
          const before = await countIn(t);
          expect(before).toBeGreaterThanOrEqual(expected.get(t.id) === undefined ? 0 : 1);
          if (i % 5 === 0) {
            const key = `w${w}-${i}-${seq++}`;
            await withTenant(db, t, (tx) => tx.insert(settings).values({ key, value: w }));
            expected.set(t.id, (expected.get(t.id) ?? 0) + 1);
          }
        }
      }),
    );
    expect(await countIn(a)).toBe(expected.get(a.id));
    expect(await countIn(b)).toBe(expected.get(b.id));
    const [decoys] = await query<{ n: string }>(
      db.orm,
      sql`select count(*)::text as n from public.settings where key like 'decoy-%'`,
    );
    expect(decoys?.n).toBe("3");
  });
});
