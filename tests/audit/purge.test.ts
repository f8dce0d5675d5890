import { purgeAudit, verifyChains, writeAudit } from "@zhengyun/audit";
import { PreconditionFailedError, ValidationError } from "@zhengyun/core";
import { type Database, query } from "@zhengyun/db";
import { withPlatform } from "@zhengyun/tenancy";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, type Tenant, tenantFactory } from "../harness/index.ts";
import { openAuditDatabase } from "./database.ts";
import { chainRows, sha256Key as key, settle, writeRecords } from "./helpers.ts";

const DAY = 86_400_000;
const now = new Date();
const daysAgo = (d: number) => new Date(now.getTime() - d * DAY);

describe.each(drivers())("audit retention and purge on %s", (driver) => {
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

  /** Three records 400 and 200 days old, three 10 days old, all sealed. */
  async function agedTenant(): Promise<{ t: Tenant; old: string[]; recent: string[] }> {
    const t = await tenants.create();
    const old = [
      ...(await writeRecords(db, t, 1, { at: daysAgo(400) })),
      ...(await writeRecords(db, t, 2, { at: daysAgo(200) })),
    ];
    const recent = await writeRecords(db, t, 3, { at: daysAgo(10) });
    await settle(db, t);
    return { t, old, recent };
  }

  it("purges records older than the cut-off and the chain still verifies", async () => {
    const { t, recent } = await agedTenant();
    const res = await purgeAudit(db, t, key, { before: daysAgo(180), now, actorId: "usr_audit" });
    expect(res).toMatchObject({ purged: 3, anchorPosition: 3 });
    const rows = await chainRows(db, t);
    expect(rows.map((r) => r.id)).toEqual([...recent, res.recordId]);
    const [purge] = await query<{ action: string; actor_id: string; data: unknown }>(
      db.orm,
      sql.raw(
        `select action, actor_id, data from ${t.schemaName}.audit_log where id = '${res.recordId}'`,
      ),
    );
    expect(purge).toMatchObject({
      action: "audit.purge",
      actor_id: "usr_audit",
      data: { purged: 3, anchorPosition: "3", before: daysAgo(180).toISOString() },
    });
    // The purge record is sealed onto the chain like any other.
    await settle(db, t);
    expect(await verifyChains(db, key, { tenant: t.slug })).toEqual([
      { chain: t.slug, ok: true, records: 4, lastPosition: 7, pending: 0 },
    ]);
    await writeRecords(db, t, 1);
    await settle(db, t);
    expect((await verifyChains(db, key, { tenant: t.slug }))[0]).toMatchObject({
      ok: true,
      records: 5,
    });
  });

  it("purges again from the anchor, and detects a deletion right after it", async () => {
    const { t } = await agedTenant();
    expect((await purgeAudit(db, t, key, { before: daysAgo(300), now })).purged).toBe(1);
    expect((await purgeAudit(db, t, key, { before: daysAgo(190), now })).purged).toBe(2);
    expect((await verifyChains(db, key, { tenant: t.slug }))[0]?.ok).toBe(true);
    await db.orm.execute(sql.raw(`delete from ${t.schemaName}.audit_log where chain_pos = 4`));
    const [r] = await verifyChains(db, key, { tenant: t.slug });
    expect(r).toMatchObject({ ok: false, broken: { position: 4, reason: "deleted" } });
  });

  it("refuses a cut-off within 180 days and deletes nothing", async () => {
    const { t } = await agedTenant();
    for (const before of [daysAgo(179), daysAgo(10), now]) {
      await expect(purgeAudit(db, t, key, { before, now })).rejects.toBeInstanceOf(ValidationError);
    }
    expect(await chainRows(db, t)).toHaveLength(6);
  });

  it("refuses to purge a chain that does not verify", async () => {
    const { t } = await agedTenant();
    await db.orm.execute(
      sql.raw(`update ${t.schemaName}.audit_log set action = 'x.y' where chain_pos = 2`),
    );
    await expect(purgeAudit(db, t, key, { before: daysAgo(180), now })).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    expect(await chainRows(db, t)).toHaveLength(6);
  });

  it("purges the vendor chain the same way, auditing the purge there", async () => {
    const old = await withPlatform(db, (tx) =>
      writeAudit(tx, { action: "tenant.create", at: daysAgo(365), actorRole: "operator" }),
    );
    await withPlatform(db, (tx) => writeAudit(tx, { action: "apikey.create", at: daysAgo(1) }));
    await settle(db, "vendor");
    const res = await purgeAudit(db, "vendor", key, { before: daysAgo(200), now });
    expect(res.purged).toBeGreaterThanOrEqual(1);
    const ids = (await query<{ id: string }>(db.orm, sql`select id from platform.audit_log`)).map(
      (r) => r.id,
    );
    expect(ids).not.toContain(old);
    expect(ids).toContain(res.recordId);
    await settle(db, "vendor");
    expect((await verifyChains(db, key)).find((r) => r.chain === "vendor")?.ok).toBe(true);
  });
});
