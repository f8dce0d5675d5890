import {
  runAuditVerify,
  sealAll,
  sealChain,
  startSealer,
  verifyChains,
  writeAudit,
} from "@zhengyun/audit";
import { NotFoundError } from "@zhengyun/core";
import { type Database, query } from "@zhengyun/db";
import { withPlatform, withTenant } from "@zhengyun/tenancy";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { drivers, tenantFactory } from "../harness/index.ts";
import { openAuditDatabase } from "./database.ts";
import { chainRows, sha256Key as key, settle, writeRecords } from "./helpers.ts";

const pendingIn = async (db: Database, schema: string) =>
  Number(
    (
      await query<{ n: string }>(
        db.orm,
        sql.raw(`select count(*)::text as n from ${schema}.audit_log where chain_pos is null`),
      )
    )[0]?.n,
  );

describe.each(drivers())("audit chain sealing on %s", (driver) => {
  let db: Database;
  let drop: () => Promise<void>;
  let tenants: ReturnType<typeof tenantFactory>;

  beforeAll(async () => {
    ({ db, drop } = await openAuditDatabase(driver));
    tenants = tenantFactory(db);
  });
  afterAll(async () => {
    await tenants.cleanup();
    await drop();
  });

  it("links every record, in order, and verifies", async () => {
    const t = await tenants.create();
    const ids = await writeRecords(db, t, 5);
    expect((await chainRows(db, t)).every((r) => r.pos === null && r.hash === null)).toBe(true);
    expect(await settle(db, t)).toBe(5);
    const rows = await chainRows(db, t);
    expect(rows.map((r) => r.id)).toEqual(ids);
    expect(rows.map((r) => r.pos)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(rows.map((r) => r.hash)).size).toBe(5);
    expect(await sealChain(db, t, key)).toEqual({ chain: t.slug, sealed: 0 });
    await writeRecords(db, t, 2);
    await settle(db, t);
    expect(await verifyChains(db, key, { tenant: t.slug })).toEqual([
      { chain: t.slug, ok: true, records: 7, lastPosition: 7, pending: 0 },
    ]);
  });

  it("seals the vendor chain from withPlatform writes, and sealAll covers every chain", async () => {
    const t = await tenants.create();
    const id = await withPlatform(db, (tx) =>
      writeAudit(tx, { action: "tenant.create", actorRole: "operator", objectId: t.id }),
    );
    await writeRecords(db, t, 1);
    // Repeated passes: another transaction on the server may hold sealing back for a moment.
    const sealed = new Map<string, number>();
    for (let pass = 0; (sealed.get(t.slug) ?? 0) < 1 || (sealed.get("vendor") ?? 0) < 1; pass++) {
      if (pass > 0) await new Promise((r) => setTimeout(r, 50));
      for (const r of await sealAll(db, key)) {
        expect(r.error).toBeUndefined();
        sealed.set(r.chain, (sealed.get(r.chain) ?? 0) + r.sealed);
      }
    }
    expect(sealed.get(t.slug)).toBe(1);
    const [row] = await query<{ pos: string | null }>(
      db.orm,
      sql`select chain_pos::text as pos from platform.audit_log where id = ${id}`,
    );
    expect(row?.pos).not.toBeNull();
    const reports = await verifyChains(db, key);
    expect(reports.find((r) => r.chain === "vendor")?.ok).toBe(true);
    expect(reports.find((r) => r.chain === t.slug)).toMatchObject({ ok: true, records: 1 });
  });

  it("ignores sealer columns forged by the tenant role", async () => {
    const t = await tenants.create();
    await withTenant(db, t, (tx) =>
      tx.execute(
        sql`insert into audit_log (id, action, chain_pos, hash, xid) values ('aud_forged0001', 'x.y', 1, 'f00', '1')`,
      ),
    );
    const [forged] = await chainRows(db, t);
    expect(forged).toEqual({ id: "aud_forged0001", pos: null, hash: null });
    await writeRecords(db, t, 1);
    expect(await settle(db, t)).toBe(2);
    expect((await verifyChains(db, key, { tenant: t.slug }))[0]?.ok).toBe(true);
  });

  it("seals rows an import carried over with another cluster's transaction ids", async () => {
    const t = await tenants.create();
    await db.orm.execute(
      sql.raw(
        `insert into ${t.schemaName}.audit_log (id, action, xid) values ('aud_imported000001', 'a.b', '900000000000')`,
      ),
    );
    await writeRecords(db, t, 1);
    expect(await settle(db, t)).toBe(2);
    expect((await verifyChains(db, key, { tenant: t.slug }))[0]?.ok).toBe(true);
  });

  it("keeps the chain head out of the tenant role's reach", async () => {
    const t = await tenants.create();
    for (const stmt of ["select * from audit_chain", "update audit_chain set last_pos = 0"]) {
      const err = await withTenant(db, t, (tx) => query(tx, sql.raw(stmt))).catch((e: Error) => e);
      expect(String((err as Error & { cause?: Error }).cause?.message)).toMatch(
        /permission denied/,
      );
    }
  });

  it("runs as a background loop that seals new records and stops cleanly", async () => {
    const t = await tenants.create();
    const errors: unknown[] = [];
    const sealer = startSealer(db, key, { intervalMs: 20, onError: (e) => errors.push(e) });
    try {
      await writeRecords(db, t, 3);
      await vi.waitFor(async () => expect(await pendingIn(db, t.schemaName)).toBe(0), {
        timeout: 30_000,
        interval: 50,
      });
    } finally {
      await sealer.stop();
    }
    expect(errors).toEqual([]);
    await writeRecords(db, t, 1);
    expect(await pendingIn(db, t.schemaName)).toBe(1);
  });

  it("refuses an unknown tenant", async () => {
    await expect(verifyChains(db, key, { tenant: "no-such-tenant" })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    let text = "";
    await expect(
      runAuditVerify(db, key, { tenant: "no-such-tenant" }, { write: (s: string) => (text += s) }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(text).toBe("");
  });
});
