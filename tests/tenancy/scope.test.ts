import { type Database, query, ScopeEndedError, type Tx, tenantSchema } from "@zhengyun/db";
import { withPlatform, withTenant } from "@zhengyun/tenancy";
import { count, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";

const { settings } = tenantSchema;

/** The database's own message when drizzle wrapped it ("Failed query: ..." hides the reason). */
const reason = (e: unknown) =>
  String((e as { cause?: Error }).cause?.message ?? (e as Error).message ?? e);

/** Rows of a drizzle execute() result on either driver (postgres.js: an array; PGlite: `rows`). */
const rowsOf = <T>(r: unknown): T[] => (Array.isArray(r) ? r : (r as { rows: T[] }).rows);

const whoAmI = async (tx: Database["orm"] | Tx) => {
  const [row] = await query<{ role: string; path: string; ro: string; tx: string }>(
    tx,
    sql`select current_user as role, current_setting('search_path') as path,
          current_setting('transaction_read_only') as ro, txid_current_if_assigned()::text as tx`,
  );
  return row;
};

/*
 * withTenant's guarantees, whatever the driver does underneath (postgres.js sends BEGIN and the
 * SET LOCALs in front of the first query and need not wait for a read-only COMMIT; PGlite runs them
 * in turn). One connection on Postgres, so every scope shows what the previous one left behind.
 */
describe.each(drivers())("tenant scopes on %s", (driver) => {
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let a: Tenant;
  let b: Tenant;
  let owner: Awaited<ReturnType<typeof whoAmI>>;

  const countIn = (t: Tenant) =>
    withTenant(
      db,
      t,
      async (tx) => Number((await tx.select({ n: count() }).from(settings))[0]?.n),
      { readOnly: true },
    );

  beforeAll(async () => {
    db = await openTestDatabase(driver, { max: 1 });
    tenants = tenantFactory(db);
    a = await tenants.create();
    b = await tenants.create();
    await withTenant(db, a, (tx) => tx.insert(settings).values({ key: "a1", value: 1 }));
    owner = await whoAmI(db.orm);
  });
  afterAll(async () => {
    await tenants.cleanup();
    await db.close();
  });

  it("runs every statement of a scope as the tenant's role in its schema, read-only or not", async () => {
    for (const readOnly of [true, false]) {
      const seen = await withTenant(
        db,
        a,
        async (tx) => {
          const first = await whoAmI(tx);
          await tx.select().from(settings);
          const nested = await tx.transaction((sp) => whoAmI(sp));
          return [first, await whoAmI(tx), nested];
        },
        { readOnly },
      );
      for (const s of seen) {
        expect(s?.role).toBe(a.roleName);
        expect(s?.path.replaceAll('"', "")).toBe(a.schemaName);
        expect(s?.ro).toBe(readOnly ? "on" : "off");
      }
    }
  });

  it("leaves nothing on the connection for its next user", async () => {
    await countIn(a);
    expect(await whoAmI(db.orm)).toEqual(owner);
    await withTenant(db, a, (tx) => tx.insert(settings).values({ key: "a-leak", value: 0 }));
    expect(await whoAmI(db.orm)).toEqual(owner);
    await withTenant(db, a, () => Promise.reject(new Error("boom"))).catch(() => {});
    expect(await whoAmI(db.orm)).toEqual(owner);
    await withPlatform(db, (tx) => whoAmI(tx), { readOnly: true });
    expect(await whoAmI(db.orm)).toEqual(owner);
    // A scope that sends nothing, right after a read-only one whose transaction it could take over.
    await countIn(a);
    await withTenant(db, b, async () => "nothing sent", { readOnly: true });
    await withTenant(db, b, async () => "nothing sent");
    expect(await whoAmI(db.orm)).toEqual(owner);
    // The very next statement after a read-only scope (whose COMMIT was not waited for) is clean too.
    const [next] = await Promise.all([countIn(b).then(() => whoAmI(db.orm)), countIn(a)]);
    expect(next).toEqual(owner);
    await withTenant(db, a, (tx) => tx.delete(settings).where(sql`key = 'a-leak'`));
  });

  it("cannot read another tenant's schema, even by its full name", async () => {
    for (const readOnly of [true, false]) {
      const err = await withTenant(
        db,
        b,
        (tx) => query(tx, sql.raw(`select * from ${a.schemaName}.settings`)),
        { readOnly },
      ).catch((e: unknown) => e);
      expect(reason(err)).toMatch(/permission denied/);
    }
    expect(await countIn(b)).toBe(0);
  });

  it("refuses writes in a read-only scope and keeps the rows as they were", async () => {
    const err = await withTenant(
      db,
      a,
      (tx) => tx.insert(settings).values({ key: "ro-write", value: 0 }),
      { readOnly: true },
    ).catch((e: unknown) => e);
    expect(reason(err)).toMatch(/read-only transaction/);
    expect(await countIn(a)).toBe(1);
  });

  it("rolls back a failed scope, even when the callback swallowed the statement's error", async () => {
    const err = await withTenant(db, a, async (tx) => {
      await tx.insert(settings).values({ key: "swallowed", value: 0 });
      await query(tx, sql`select 1 / 0`).catch(() => {});
      return "looked fine";
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(await countIn(a)).toBe(1);
  });

  it("runs nothing of the callback when the scope cannot be opened", async () => {
    const ghost = { ...a, roleName: `${a.roleName}_ghost` };
    const err = await withTenant(db, ghost, (tx) =>
      tx.insert(settings).values({ key: "ghost", value: 0 }),
    ).catch((e: unknown) => e);
    expect(reason(err)).toMatch(/role .* does not exist/);
    expect(await countIn(a)).toBe(1);
    expect(await whoAmI(db.orm)).toEqual(owner);
  });

  it("opens the scope with whichever query goes out first", async () => {
    for (const readOnly of [true, false]) {
      const seen = await withTenant(
        db,
        a,
        async (tx) => {
          // drizzle sends a query when it is awaited: the second one goes out first.
          const later = tx.execute(sql`select current_user as role`);
          const sooner = tx.execute(sql`select current_user as role`);
          const s = await sooner;
          const l = await later;
          return [s, l].map((r) => rowsOf<{ role: string }>(r)[0]?.role);
        },
        { readOnly },
      );
      expect(seen).toEqual([a.roleName, a.roleName]);
    }
  });

  it("runs nothing after a failed opening, even when the callback swallowed its error", async () => {
    const ghost = { ...a, roleName: `${a.roleName}_ghost` };
    const err = await withTenant(db, ghost, async (tx) => {
      const first = await whoAmI(tx).catch((e: unknown) => e);
      expect(reason(first)).toMatch(/role .* does not exist/);
      await tx.insert(settings).values({ key: "after-ghost", value: 0 });
    }).catch((e: unknown) => e);
    expect(reason(err)).toMatch(/transaction is aborted|does not exist/);
    expect(await countIn(a)).toBe(1);
    expect(await whoAmI(db.orm)).toEqual(owner);
  });

  it("commits the statements sent with commit(), and nothing when one of them fails", async () => {
    await withTenant(db, a, (tx, commit) =>
      Promise.all([
        tx.insert(settings).values({ key: "c1", value: 1 }),
        tx.insert(settings).values({ key: "c2", value: 2 }),
        commit(),
      ]),
    );
    expect(await countIn(a)).toBe(3);
    const err = await withTenant(db, a, (tx, commit) =>
      Promise.all([
        tx.insert(settings).values({ key: "c3", value: 3 }),
        tx.insert(settings).values({ key: "c1", value: 1 }), // duplicate key
        commit(),
      ]),
    ).catch((e: unknown) => e);
    expect(reason(err)).toMatch(/duplicate key/);
    expect(await countIn(a)).toBe(3);
    const swallowed = await withTenant(db, a, (tx, commit) =>
      Promise.all([
        tx
          .insert(settings)
          .values({ key: "c1", value: 1 })
          .catch(() => "swallowed"),
        commit(),
      ]),
    ).catch((e: unknown) => e);
    expect(String((swallowed as Error).message)).toMatch(/rolled back/);
    // A nested scope joins the outer transaction: its commit() leaves the committing to the owner.
    const err2 = await withTenant(db, a, async () => {
      await withTenant(db, a, (inner, commit) =>
        Promise.all([inner.insert(settings).values({ key: "c4", value: 4 }), commit()]),
      );
      throw new Error("the outer scope fails after the nested one committed");
    }).catch((e: unknown) => e);
    expect((err2 as Error).message).toMatch(/outer scope fails/);
    expect(await countIn(a)).toBe(3);
    await withTenant(db, a, (tx) => tx.delete(settings).where(sql`key in ('c1', 'c2')`));
    expect(await whoAmI(db.orm)).toEqual(owner);
  });

  it("refuses queries through a scope's handle after it ended", async () => {
    let leaked: Tx | undefined;
    await withTenant(db, a, async (tx) => {
      leaked = tx;
    });
    const err = await (leaked as Tx).execute(sql`select 1`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    if (driver === "postgres") {
      expect((err as { cause?: unknown }).cause ?? err).toBeInstanceOf(ScopeEndedError);
    }
    expect(await whoAmI(db.orm)).toEqual(owner);
  });
});

describe.runIf(drivers().includes("postgres"))("postgres.js scopes on a small pool", () => {
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let list: Tenant[];

  beforeAll(async () => {
    db = await openTestDatabase("postgres", { max: 3 });
    tenants = tenantFactory(db);
    list = [await tenants.create(), await tenants.create(), await tenants.create()];
  });
  afterAll(async () => {
    await tenants.cleanup();
    await db.close();
  });

  it("opens the scope with the next query when the first could not be sent", async () => {
    const t = list[0] as Tenant;
    const seen = await withTenant(db, t, async (tx) => {
      // More parameters than the protocol carries: postgres.js refuses it before writing anything.
      const many = sql.join(
        Array.from({ length: 70_000 }, (_, i) => sql`${i}`),
        sql`, `,
      );
      const err = await query(tx, sql`select 1 where 1 in (${many})`).catch((e: unknown) => e);
      expect(reason(err)).toMatch(/parameters/i);
      return whoAmI(tx);
    });
    expect(seen?.role).toBe(t.roleName);
    expect(seen?.path.replaceAll('"', "")).toBe(t.schemaName);
  });

  it("refuses a statement issued after commit() went out, without running it", async () => {
    const t = list[1] as Tenant;
    const err = await withTenant(db, t, async (tx, commit) => {
      await Promise.all([tx.insert(settings).values({ key: "early", value: 1 }), commit()]);
      await tx.insert(settings).values({ key: "late", value: 2 });
    }).catch((e: unknown) => e);
    expect((err as { cause?: unknown }).cause ?? err).toBeInstanceOf(ScopeEndedError);
    const rows = await withTenant(db, t, (tx) => tx.select().from(settings), { readOnly: true });
    expect(rows.map((r) => r.key)).toEqual(["early"]);
  });

  it("never shows one tenant's scope another's role, under 12 workers × 40 mixed scopes", async () => {
    const wrong: string[] = [];
    await Promise.all(
      Array.from({ length: 12 }, async (_, w) => {
        for (let i = 0; i < 40; i++) {
          const t = list[(w + i) % list.length] as Tenant;
          const readOnly = i % 3 !== 0;
          const who = await withTenant(db, t, (tx) => whoAmI(tx), { readOnly });
          if (who?.role !== t.roleName) wrong.push(`${t.slug} saw ${who?.role}`);
          // Plain pool queries in between: they must never land inside someone's scope.
          if (i % 5 === 0) {
            const plain = await whoAmI(db.orm);
            if (plain?.role === t.roleName || plain?.ro === "on")
              wrong.push(`plain saw ${plain.role}`);
          }
        }
      }),
    );
    expect(wrong).toEqual([]);
  });
});
