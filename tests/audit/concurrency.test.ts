import { sealChain, verifyChains, writeAudit } from "@zhengyun/audit";
import { type Database, query } from "@zhengyun/db";
import { withTenant } from "@zhengyun/tenancy";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, tenantFactory } from "../harness/index.ts";
import { openAuditDatabase } from "./database.ts";
import { chainRows, sha256Key as key, settle } from "./helpers.ts";

function deferred() {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe.each(drivers())("audit chain under concurrent writers on %s", (driver) => {
  let db: Database;
  let drop: () => Promise<void>;
  let tenants: ReturnType<typeof tenantFactory>;

  beforeAll(async () => {
    ({ db, drop } = await openAuditDatabase(driver, { max: 20 }));
    tenants = tenantFactory(db);
  });
  afterAll(async () => {
    await tenants.cleanup();
    await drop();
  });

  if (driver === "postgres") {
    it("does not seal past a transaction still in flight, then seals in commit-safe order", async () => {
      const t = await tenants.create();
      const inserted = deferred();
      const release = deferred();
      // Slow takes the lower seq, then stays open while Fast commits a higher seq.
      const slow = withTenant(db, t, async (tx) => {
        await writeAudit(tx, { id: "aud_slow00000001", action: "case.update" });
        inserted.resolve();
        await release.promise;
      });
      await inserted.promise;
      await withTenant(db, t, (tx) =>
        writeAudit(tx, { id: "aud_fast00000001", action: "case.update" }),
      );
      expect(await sealChain(db, t, key)).toEqual({ chain: t.slug, sealed: 0 });
      // Fast's record is committed but waits behind Slow; verify says so rather than failing.
      expect(await verifyChains(db, key, { tenant: t.slug })).toEqual([
        { chain: t.slug, ok: true, records: 0, lastPosition: 0, pending: 1 },
      ]);
      release.resolve();
      await slow;
      expect(await settle(db, t)).toBe(2);
      expect((await chainRows(db, t)).map((r) => [r.id, r.pos])).toEqual([
        ["aud_slow00000001", 1],
        ["aud_fast00000001", 2],
      ]);
      expect((await verifyChains(db, key, { tenant: t.slug }))[0]?.ok).toBe(true);
    });
  } else {
    it("orders the chain by transaction, not by seq, when seq order differs", async () => {
      const t = await tenants.create();
      // PGlite runs one transaction at a time, so give the earlier transaction the higher seq.
      await db.orm.execute(
        sql.raw(
          `insert into ${t.schemaName}.audit_log (seq, id, action) values (100, 'aud_first0000001', 'a.b')`,
        ),
      );
      await db.orm.execute(
        sql.raw(
          `insert into ${t.schemaName}.audit_log (seq, id, action) values (50, 'aud_second000001', 'a.b')`,
        ),
      );
      expect(await settle(db, t)).toBe(2);
      expect((await chainRows(db, t)).map((r) => [r.id, r.pos])).toEqual([
        ["aud_first0000001", 1],
        ["aud_second000001", 2],
      ]);
      expect((await verifyChains(db, key, { tenant: t.slug }))[0]?.ok).toBe(true);
    });
  }

  it("seals interleaved writers and a racing sealer into one gapless verifiable chain", async () => {
    const t = await tenants.create();
    let writing = true;
    const sealer = (async () => {
      while (writing) await sealChain(db, t, key);
    })();
    await Promise.all(
      Array.from({ length: 8 }, (_, w) =>
        (async () => {
          for (let i = 0; i < 10; i++) {
            await withTenant(db, t, async (tx) => {
              await writeAudit(tx, {
                action: "case.update",
                actorId: `usr_${w}`,
                objectId: `${i}`,
              });
              // A second record late in the same transaction widens the out-of-order window.
              await query(tx, sql`select pg_sleep(0.001)`);
              await writeAudit(tx, { action: "case.note", actorId: `usr_${w}`, objectId: `${i}` });
            });
          }
        })(),
      ),
    );
    writing = false;
    await sealer;
    await settle(db, t);
    const [report] = await verifyChains(db, key, { tenant: t.slug });
    expect(report).toEqual({
      chain: t.slug,
      ok: true,
      records: 160,
      lastPosition: 160,
      pending: 0,
    });
    const rows = await chainRows(db, t);
    expect(rows.map((r) => r.pos)).toEqual(Array.from({ length: 160 }, (_, i) => i + 1));
  });
});
