import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ConflictError, newId } from "@zhengyun/core";
import { type Database, platformSchema, query, tenantSchema } from "@zhengyun/db";
import { resumeTenant, suspendTenant, withTenant } from "@zhengyun/tenancy";
import { EXPORTS_OWNER, importTenant, offboardTenant, sha256 } from "@zhengyun/tenancy/node";
import { asc, count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  drivers,
  openTestDatabase,
  randomSlug,
  type Tenant,
  tenantFactory,
} from "../harness/index.ts";
import { startStore } from "./support.ts";

const { settings, auditLog, usageOutbox } = tenantSchema;
const { tenants, tenantExports } = platformSchema;
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 255, 7]);

describe.each(drivers())("tenant lifecycle on %s", (driver) => {
  let db: Database;
  let factory: ReturnType<typeof tenantFactory>;
  let s3: Awaited<ReturnType<typeof startStore>>;
  const offboarded: string[] = [];

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    factory = tenantFactory(db);
    s3 = await startStore();
  });
  afterAll(async () => {
    for (const id of offboarded)
      await db.orm.delete(tenantExports).where(eq(tenantExports.tenantId, id));
    await factory.cleanup();
    await db.close();
    await s3.close();
  });

  /** Everything the tenant holds, by content: its rows (as its role sees them) and its chain head. */
  const contents = async (t: Tenant) => ({
    rows: await withTenant(db, t, async (tx) => ({
      settings: await tx.select().from(settings).orderBy(asc(settings.key)),
      audit: await tx.select().from(auditLog).orderBy(asc(auditLog.seq)),
      usage: await tx.select().from(usageOutbox).orderBy(asc(usageOutbox.seq)),
    })),
    chain: await query(db.orm, sql.raw(`select * from ${t.schemaName}.audit_chain`)),
  });
  const exists = async (what: "namespace" | "role", name: string) => {
    const q =
      what === "namespace"
        ? sql`select 1 from pg_namespace where nspname = ${name}`
        : sql`select 1 from pg_roles where rolname = ${name}`;
    return (await query(db.orm, q)).length > 0;
  };

  it("provisions, suspends, resumes, offboards with an export and imports it into a new slug", async () => {
    const src = await factory.create({ name: "北京市东城区", level: "district" });
    offboarded.push(src.id);
    await withTenant(db, src, async (tx) => {
      await tx.insert(settings).values([
        {
          key: "branding",
          value: { title: "东城政务", colors: ["#c00", "#fff"], big: "9007199254740993" },
        },
        { key: "quota", value: 42 },
      ]);
      await tx.insert(auditLog).values([
        { id: newId("aud"), action: "tenant.setup", data: { step: 1 } },
        { id: newId("aud"), action: "settings.update", actorId: "usr_1", data: null },
      ]);
      await tx.insert(usageOutbox).values([
        { eventId: "evt-1", meter: "sms", quantity: "12345678901234567890.125" },
        { eventId: "evt-2", meter: "storage_bytes", quantity: "3" },
      ]);
    });
    await s3.store.put(src.id, "docs/通知.txt", "你好，东城");
    await s3.store.put(src.id, "img/logo.png", PNG, "image/png");

    expect((await suspendTenant(db, src.slug)).status).toBe("suspended");
    const kept = await withTenant(db, src, (tx) => tx.select({ n: count() }).from(settings));
    expect(kept[0]?.n).toBe(2);
    expect((await resumeTenant(db, src.slug)).status).toBe("active");

    const before = await contents(src);
    const exportFile = join(s3.dir, "exports", `${src.slug}.tar.gz`);
    const res = await offboardTenant(db, s3.store, src.slug, { exportFile });

    expect(await exists("namespace", src.schemaName)).toBe(false);
    expect(await exists("role", src.roleName)).toBe(false);
    const [row] = await db.orm.select().from(tenants).where(eq(tenants.id, src.id));
    expect(row?.status).toBe("offboarded");
    expect(row?.offboardedAt).toBeInstanceOf(Date);
    const [rec] = await db.orm
      .select()
      .from(tenantExports)
      .where(eq(tenantExports.tenantId, src.id));
    expect(rec?.sha256).toBe(res.sha256);
    expect(rec?.retainUntil.getTime()).toBeGreaterThanOrEqual(Date.now() + 179.9 * 86_400_000);
    const file = await readFile(exportFile);
    expect(sha256(file)).toBe(res.sha256);
    expect(sha256((await s3.store.get(EXPORTS_OWNER, res.archiveKey)) ?? new Uint8Array())).toBe(
      res.sha256,
    );
    const left = [];
    for await (const o of s3.store.list(src.id)) left.push(o);
    expect(left).toEqual([]);

    const copy = await importTenant(db, s3.store, file, { slug: randomSlug("imp") });
    factory.track(copy);
    expect(copy.status).toBe("active");
    expect(copy.name).toBe("北京市东城区");
    expect(copy.id).not.toBe(src.id);
    expect(await contents(copy)).toEqual(before);
    expect(new TextDecoder().decode(await s3.store.get(copy.id, "docs/通知.txt"))).toBe(
      "你好，东城",
    );
    expect(await s3.store.get(copy.id, "img/logo.png")).toEqual(PNG);

    const maxSeq = before.rows.usage.at(-1)?.seq ?? 0n;
    const maxAudit = before.rows.audit.at(-1)?.seq ?? 0n;
    const [next] = await withTenant(db, copy, (tx) =>
      tx.insert(usageOutbox).values({ eventId: "evt-3", meter: "sms", quantity: "1" }).returning(),
    );
    expect(next?.seq).toBe(maxSeq + 1n);
    const [audit] = await withTenant(db, copy, (tx) =>
      tx
        .insert(auditLog)
        .values({ id: newId("aud"), action: "after.import" })
        .returning(),
    );
    expect(audit?.seq).toBe(maxAudit + 1n);
  });

  it("resumes an offboarding that stopped after the export was recorded", async () => {
    const t = await factory.create();
    offboarded.push(t.id);
    await s3.store.put(t.id, "a.txt", "a");
    const exportFile = join(s3.dir, "exports", `${t.slug}.tar.gz`);
    const crashing = {
      ...s3.store,
      deletePrefix: async () => {
        throw new Error("storage went away");
      },
    };
    await expect(offboardTenant(db, crashing, t.slug, { exportFile })).rejects.toThrow(
      "storage went away",
    );
    const [half] = await db.orm.select().from(tenants).where(eq(tenants.id, t.id));
    expect(half?.status).toBe("suspended");
    await expect(resumeTenant(db, t.slug)).rejects.toBeInstanceOf(ConflictError);

    const first = await db.orm.select().from(tenantExports).where(eq(tenantExports.tenantId, t.id));
    const done = await offboardTenant(db, s3.store, t.slug, { exportFile });
    expect(done.exportId).toBe(first[0]?.id);
    const records = await db.orm
      .select()
      .from(tenantExports)
      .where(eq(tenantExports.tenantId, t.id));
    expect(records).toHaveLength(1);
    const [row] = await db.orm.select().from(tenants).where(eq(tenants.id, t.id));
    expect(row?.status).toBe("offboarded");
    expect(await exists("namespace", t.schemaName)).toBe(false);
    expect(await s3.store.get(t.id, "a.txt")).toBeUndefined();
    // Offboarding again is a no-op that returns the same export.
    expect((await offboardTenant(db, s3.store, t.slug, { exportFile })).sha256).toBe(done.sha256);
  });
});
