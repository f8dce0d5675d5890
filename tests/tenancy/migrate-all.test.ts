import { ConflictError } from "@zhengyun/core";
import { type Database, openPostgres, query } from "@zhengyun/db";
import { type MigrateAllResult, migrateAllTenants } from "@zhengyun/tenancy/node";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { drivers, type Tenant, tenantFactory } from "../harness/index.ts";
import { openScratchDatabase } from "../harness/scratch-database.ts";
import { observed, templateWith } from "./support.ts";

const NEXT = templateWith([
  "create table extra_notes (id bigserial primary key, body text not null)",
]);
const latest = NEXT.at(-1)?.idx ?? 0;

describe.each(drivers())("migrate --all on %s", (driver) => {
  // A database of its own: migrate --all acts on every tenant in it.
  let scratch: Awaited<ReturnType<typeof openScratchDatabase>>;
  let db: Database;
  let factory: ReturnType<typeof tenantFactory>;

  beforeAll(async () => {
    scratch = await openScratchDatabase(driver);
    db = scratch.db;
    factory = tenantFactory(db);
  });
  afterEach(() => factory.cleanup());
  afterAll(() => scratch.drop());

  const ledger = async (t: Tenant) =>
    (
      await query<{ idx: number }>(
        db.orm,
        sql`select idx from platform.tenant_migrations where tenant_id = ${t.id} order by idx`,
      )
    ).map((r) => Number(r.idx));
  const hasTable = async (t: Tenant, table: string) =>
    (await query(db.orm, sql`select to_regclass(${`${t.schemaName}.${table}`}) as oid`))[0]?.oid !=
    null;

  it("migrates the others when one tenant fails, names the failure, and a rerun is a no-op", async () => {
    const made = [];
    for (let i = 0; i < 4; i++) made.push(await factory.create());
    const broken = made[2] as Tenant;
    // A table in the way of the new migration: that tenant's migration must fail.
    await db.orm.execute(sql.raw(`create table ${broken.schemaName}.extra_notes (x int)`));

    const progress: string[] = [];
    const res = await migrateAllTenants(db, {
      migrations: NEXT,
      onProgress: (done, total, slug) => progress.push(`${done}/${total} ${slug}`),
    });
    expect(res.checked).toBe(4);
    expect(res.failed).toHaveLength(1);
    expect(res.failed[0]?.slug).toBe(broken.slug);
    expect(res.failed[0]?.error).toMatch(/extra_notes.*already exists/);
    const others = made.filter((t) => t !== broken);
    expect(res.migrated).toEqual(others.map((t) => t.slug).sort());
    expect(res.applied).toBe(3);
    expect(progress).toHaveLength(4);
    expect(progress.at(-1)).toMatch(/^4\/4 /);
    for (const t of others) {
      expect((await ledger(t)).at(-1)).toBe(latest);
      expect(await hasTable(t, "extra_notes")).toBe(true);
    }
    expect((await ledger(broken)).at(-1)).toBe(latest - 1);

    // Fixed by hand, the broken one migrates on the next run; then a run has nothing to do.
    await db.orm.execute(sql.raw(`drop table ${broken.schemaName}.extra_notes`));
    const again = await migrateAllTenants(db, { migrations: NEXT });
    expect(again).toMatchObject({ migrated: [broken.slug], failed: [], applied: 1 });

    const watch = observed(db);
    const noop = await migrateAllTenants(watch.db, { migrations: NEXT });
    expect(noop).toEqual({ checked: 4, migrated: [], failed: [], applied: 0 });
    expect(watch.counts).toEqual({ transactions: 0, statements: 1 });
    for (const t of made) expect(await ledger(t)).toEqual(NEXT.map((m) => m.idx));
  });

  it("lets only one of two concurrent runners work, and applies nothing twice", async () => {
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await factory.create());
    // On Postgres the second runner is another pool, as another process would be, and the last
    // tenant's lock is held from outside so the first runner is surely still at work. On PGlite,
    // single-process, the second runner shares the connection and the first works one at a time.
    const other = driver === "postgres" ? await openPostgres({ url: scratch.url ?? "" }) : db;
    const blocker = driver === "postgres" ? postgres(scratch.url ?? "", { max: 1 }) : undefined;
    const lockKey = `zhengyun:tenant:${made[2]?.id}`;
    await blocker?.unsafe("select pg_advisory_lock(hashtext($1))", [lockKey]);
    try {
      let second: Promise<MigrateAllResult> | undefined;
      let started = () => {};
      const secondStarted = new Promise<void>((r) => {
        started = r;
      });
      const first = migrateAllTenants(db, {
        migrations: NEXT,
        concurrency: driver === "postgres" ? 4 : 1,
        onProgress: (done) => {
          if (done !== 1) return;
          second = migrateAllTenants(other, { migrations: NEXT });
          started();
        },
      });
      await Promise.race([secondStarted, first]);
      await expect(second).rejects.toBeInstanceOf(ConflictError);
      await blocker?.unsafe("select pg_advisory_unlock(hashtext($1))", [lockKey]);
      const res = await first;
      expect(res.applied).toBe(3);
      expect(res.failed).toEqual([]);
      for (const t of made) expect(await ledger(t)).toEqual(NEXT.map((m) => m.idx));
      // The guard is released: a later run may start (and finds nothing to do).
      const later = await migrateAllTenants(other, { migrations: NEXT });
      expect(later).toMatchObject({ checked: 3, applied: 0, failed: [] });
    } finally {
      await blocker?.end({ timeout: 5 });
      if (other !== db) await other.close();
    }
  });
});
