import { runAuditVerify, verifyChains } from "@zhengyun/audit";
import type { Database } from "@zhengyun/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, type Tenant, tenantFactory } from "../harness/index.ts";
import { openAuditDatabase } from "./database.ts";
import { sha256Key as key, settle, writeRecords } from "./helpers.ts";

// Everything but the keys (id is unique, so it cannot take part in a one-statement swap).
const CONTENT = "at, actor_id, action, object_id, data, hash, xid";

describe.each(drivers())("audit tamper detection on %s", (driver) => {
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

  /** A tenant with six sealed records; tampering goes through the owner (superuser) connection. */
  async function sealedTenant(): Promise<{ t: Tenant; ids: string[] }> {
    const t = await tenants.create();
    const ids = await writeRecords(db, t, 6);
    await settle(db, t);
    return { t, ids };
  }
  const tamper = (t: Tenant, stmt: string) =>
    db.orm.execute(sql.raw(stmt.replaceAll("$log", `${t.schemaName}.audit_log`)));
  const brokenOf = async (t: Tenant) => {
    const [r] = await verifyChains(db, key, { tenant: t.slug });
    if (!r || r.ok) throw new Error(`expected ${t.slug} to be broken`);
    return r.broken;
  };

  it("names a modified row", async () => {
    const { t, ids } = await sealedTenant();
    await tamper(t, `update $log set actor_id = 'usr_someone_else' where chain_pos = 3`);
    expect(await brokenOf(t)).toMatchObject({ position: 3, recordId: ids[2], reason: "modified" });
  });

  it("notices a change inside the jsonb data", async () => {
    const { t, ids } = await sealedTenant();
    await tamper(
      t,
      `update $log set data = jsonb_set(data, '{note}', '"驳回"') where chain_pos = 5`,
    );
    expect(await brokenOf(t)).toMatchObject({ position: 5, recordId: ids[4], reason: "modified" });
  });

  it("names the position of a deleted middle row", async () => {
    const { t, ids } = await sealedTenant();
    await tamper(t, `delete from $log where chain_pos = 4`);
    expect(await brokenOf(t)).toMatchObject({ position: 4, recordId: ids[4], reason: "deleted" });
  });

  it("notices that the last row was deleted", async () => {
    const { t } = await sealedTenant();
    await tamper(t, `delete from $log where chain_pos = 6`);
    expect(await brokenOf(t)).toMatchObject({ position: 6, recordId: null, reason: "deleted" });
  });

  it("names the row whose content was swapped with another's", async () => {
    const { t, ids } = await sealedTenant();
    await tamper(
      t,
      `update $log a set (${CONTENT}) = (select ${CONTENT} from $log b
         where b.chain_pos = case a.chain_pos when 2 then 4 else 2 end)
       where a.chain_pos in (2, 4)`,
    );
    expect(await brokenOf(t)).toMatchObject({
      position: 2,
      recordId: ids[1],
      reason: "inserted out of order",
    });
  });

  it("names a row whose position was moved", async () => {
    const { t, ids } = await sealedTenant();
    await tamper(t, `update $log set chain_pos = 100 where chain_pos = 2`);
    await tamper(t, `update $log set chain_pos = 2 where chain_pos = 5`);
    await tamper(t, `update $log set chain_pos = 5 where chain_pos = 100`);
    expect(await brokenOf(t)).toMatchObject({
      position: 2,
      recordId: ids[4],
      reason: "inserted out of order",
    });
  });

  it("prints the first broken link and exits 1; 0 when every chain holds", async () => {
    const good = await sealedTenant();
    const bad = await sealedTenant();
    await tamper(bad.t, `update $log set action = 'case.delete' where chain_pos = 1`);
    let text = "";
    const out = { write: (s: string) => (text += s) };
    expect(await runAuditVerify(db, key, { tenant: good.t.slug }, out)).toBe(0);
    expect(text).toContain(`ok      ${good.t.slug}: 6 records, head at 6`);
    text = "";
    expect(await runAuditVerify(db, key, { tenant: bad.t.slug }, out)).toBe(1);
    expect(text).toContain(`BROKEN  ${bad.t.slug}: position 1, record ${bad.ids[0]}: modified`);
    text = "";
    // Without --tenant every chain is checked, the vendor's included.
    expect(await runAuditVerify(db, key, {}, out)).toBe(1);
    expect(text).toMatch(/^ok {6}vendor: /m);
    expect(text).toContain(`ok      ${good.t.slug}: 6 records`);
    expect(text).toContain(`BROKEN  ${bad.t.slug}: position 1`);
  });

  it("fails verification under another key", async () => {
    const { t, ids } = await sealedTenant();
    const [r] = await verifyChains(db, { ...key, secret: "another-key" }, { tenant: t.slug });
    expect(r).toMatchObject({ ok: false, broken: { position: 1, recordId: ids[0] } });
  });
});
