import { createHash } from "node:crypto";
import { auditBatch, writeAudit } from "@zhengyun/audit";
import { ValidationError } from "@zhengyun/core";
import { type Database, tenantSchema } from "@zhengyun/db";
import { withTenant } from "@zhengyun/tenancy";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, type Tenant, tenantFactory } from "../harness/index.ts";
import { openAuditDatabase } from "./database.ts";
import { chainRows } from "./helpers.ts";

describe.each(drivers())("writeAudit on %s", (driver) => {
  let db: Database;
  let drop: () => Promise<void>;
  let tenants: ReturnType<typeof tenantFactory>;
  let t: Tenant;

  beforeAll(async () => {
    ({ db, drop } = await openAuditDatabase(driver));
    tenants = tenantFactory(db);
    t = await tenants.create();
  });
  afterAll(async () => {
    await tenants.cleanup();
    await drop();
  });

  it("writes in the action's transaction and vanishes with its rollback", async () => {
    const before = (await chainRows(db, t)).length;
    let id = "";
    await expect(
      withTenant(db, t, async (tx) => {
        await tx.insert(tenantSchema.settings).values({ key: "policy", value: { min: 8 } });
        id = await writeAudit(tx, { action: "settings.update", objectId: "policy" });
        throw new Error("the action failed after auditing");
      }),
    ).rejects.toThrow("the action failed");
    expect(id).toMatch(/^aud_/);
    expect(await chainRows(db, t)).toHaveLength(before);

    await withTenant(db, t, (tx) =>
      writeAudit(tx, { action: "settings.update", objectId: "policy", result: "success" }),
    );
    expect(await chainRows(db, t)).toHaveLength(before + 1);
  });

  it("fails the action when the audit record is invalid, writing nothing", async () => {
    const before = (await chainRows(db, t)).length;
    const err = await withTenant(db, t, async (tx) => {
      await tx.insert(tenantSchema.settings).values({ key: "never", value: 1 });
      // biome-ignore lint/suspicious/noExplicitAny: a caller bypassing the types
      await writeAudit(tx, { action: "Bad Action", result: "maybe" as any });
    }).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues?.map((i) => i.path).sort()).toEqual([
      "action",
      "result",
    ]);
    expect(await chainRows(db, t)).toHaveLength(before);
    const rows = await withTenant(db, t, (tx) =>
      tx.select().from(tenantSchema.settings).where(sql`key = 'never'`),
    );
    expect(rows).toHaveLength(0);
  });

  it("records a batch as one record with its counts and the SHA-256 of its input", async () => {
    const input = "name,phone\n张三,13800000000\n李四,13900000000\n";
    const id = await withTenant(db, t, (tx) =>
      auditBatch(tx, {
        action: "residents.import",
        actorId: "usr_1",
        counts: { rows: 2, created: 2, rejected: 0 },
        input,
      }),
    );
    const [row] = await withTenant(db, t, (tx) =>
      tx.select().from(tenantSchema.auditLog).where(sql`id = ${id}`),
    );
    expect(row?.data).toEqual({
      counts: { rows: 2, created: 2, rejected: 0 },
      inputSha256: createHash("sha256").update(input).digest("hex"),
      inputBytes: Buffer.byteLength(input),
    });
    await expect(
      withTenant(db, t, (tx) =>
        auditBatch(tx, { action: "residents.import", counts: { rows: -1 }, input }),
      ),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it("cuts an oversized user agent instead of failing the action", async () => {
    const id = await withTenant(db, t, (tx) =>
      writeAudit(tx, { action: "auth.sign_in", result: "failure", userAgent: "x".repeat(5000) }),
    );
    const [row] = await withTenant(db, t, (tx) =>
      tx.select().from(tenantSchema.auditLog).where(sql`id = ${id}`),
    );
    expect(row?.userAgent).toHaveLength(512);
  });
});
