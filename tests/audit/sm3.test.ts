import { createHmac } from "node:crypto";
import { auditKeyFrom, verifyChains } from "@zhengyun/audit";
import { loadConfig } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, tenantFactory } from "../harness/index.ts";
import { openAuditDatabase } from "./database.ts";
import { chainRows, settle, sha256Key, sm3Key, writeRecords } from "./helpers.ts";

describe.each(drivers())("HMAC-SM3 chains on %s", (driver) => {
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

  it("takes the algorithm from AUDIT_HMAC_ALGORITHM", () => {
    const cfg = loadConfig({ AUDIT_HMAC_ALGORITHM: "sm3" });
    expect(auditKeyFrom(cfg, { auditHmacKey: "k" })).toEqual({ secret: "k", algorithm: "sm3" });
    expect(auditKeyFrom(loadConfig({}), { auditHmacKey: "k" }).algorithm).toBe("sha256");
  });

  it("seals with HMAC-SM3, verifies, and detects tampering", async () => {
    const t = await tenants.create();
    await writeRecords(db, t, 4);
    await settle(db, t, sm3Key);
    const rows = await chainRows(db, t);
    // The first link is HMAC-SM3 over the empty genesis hash and the canonical record.
    const first = rows[0];
    expect(first?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifyChains(db, sm3Key, { tenant: t.slug })).toEqual([
      { chain: t.slug, ok: true, records: 4, lastPosition: 4, pending: 0 },
    ]);
    const [asSha] = await verifyChains(db, sha256Key, { tenant: t.slug });
    expect(asSha?.ok).toBe(false);
    expect(createHmac("sm3", "k").update("x").digest("hex")).not.toBe(
      createHmac("sha256", "k").update("x").digest("hex"),
    );

    await db.orm.execute(
      sql.raw(`update ${t.schemaName}.audit_log set ip = '10.0.0.9' where chain_pos = 2`),
    );
    const [r] = await verifyChains(db, sm3Key, { tenant: t.slug });
    expect(r).toMatchObject({
      ok: false,
      broken: { position: 2, recordId: rows[1]?.id, reason: "modified" },
    });
  });
});
