import { gunzipSync, gzipSync } from "node:zlib";
import { ConflictError, ValidationError } from "@zhengyun/core";
import { type Database, platformSchema, query, tenantSchema } from "@zhengyun/db";
import { withTenant } from "@zhengyun/tenancy";
import {
  exportTenant,
  importTenant,
  type Manifest,
  packArchive,
  sha256,
} from "@zhengyun/tenancy/node";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  drivers,
  openTestDatabase,
  randomSlug,
  type Tenant,
  tenantFactory,
} from "../harness/index.ts";
import { startStore, templateWith } from "./support.ts";

const { tenants } = platformSchema;
const { settings } = tenantSchema;

describe.each(drivers())("importing a tenant export on %s", (driver) => {
  let db: Database;
  let factory: ReturnType<typeof tenantFactory>;
  let s3: Awaited<ReturnType<typeof startStore>>;
  let src: Tenant;
  let archive: Uint8Array;

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    factory = tenantFactory(db);
    s3 = await startStore();
    src = await factory.create({ name: "朝阳区" });
    await withTenant(db, src, (tx) =>
      tx.insert(settings).values({ key: "marker", value: { text: "unique-marker-value" } }),
    );
    await s3.store.put(src.id, "f.txt", "file");
    archive = (await exportTenant(db, s3.store, src.slug)).archive;
  });
  afterAll(async () => {
    await factory.cleanup();
    await db.close();
    await s3.close();
  });

  /** Nothing of a refused import may remain: no row, schema, role or stored object. */
  const assertNothingFor = async (slug: string) => {
    const rows = await db.orm.select().from(tenants).where(eq(tenants.slug, slug));
    expect(rows).toEqual([]);
    const schema = `t_${slug.replaceAll("-", "_")}`;
    expect(await query(db.orm, sql`select 1 from pg_namespace where nspname = ${schema}`)).toEqual(
      [],
    );
    expect(
      await query(db.orm, sql`select 1 from pg_roles where rolname = ${db.rolePrefix + schema}`),
    ).toEqual([]);
  };

  it("refuses a tampered archive before creating anything", async () => {
    const tar = Buffer.from(gunzipSync(archive));
    const at = tar.indexOf("unique-marker-value");
    expect(at).toBeGreaterThan(0);
    tar[at] = "U".charCodeAt(0);
    const slug = randomSlug("imp");
    const err = await importTenant(db, s3.store, gzipSync(tar), { slug }).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(/tables\/settings\.jsonl fails its checksum/);
    await assertNothingFor(slug);
  });

  it("refuses bytes that are not an archive, and an archive without a manifest", async () => {
    const slug = randomSlug("imp");
    await expect(
      importTenant(db, s3.store, new TextEncoder().encode("not a tarball"), { slug }),
    ).rejects.toBeInstanceOf(ValidationError);
    const bare = await packArchive([{ name: "x.txt", body: new Uint8Array([1]) }], new Date());
    await expect(importTenant(db, s3.store, bare, { slug })).rejects.toThrow(/no manifest/);
    await assertNothingFor(slug);
  });

  it("refuses a slug that is taken or malformed", async () => {
    await expect(importTenant(db, s3.store, archive, { slug: src.slug })).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(importTenant(db, s3.store, archive, { slug: "Bad_Slug" })).rejects.toBeInstanceOf(
      ValidationError,
    );
    const [still] = await db.orm.select().from(tenants).where(eq(tenants.slug, src.slug));
    expect(still?.id).toBe(src.id);
  });

  it("undoes everything when loading fails after the slug was claimed", async () => {
    const rows = new TextEncoder().encode('{"nope":1}\n');
    const manifest: Manifest = {
      format: "zhengyun-tenant-export",
      version: 1,
      tenant: { id: "ten_x", slug: "x-source", name: "X", level: "street" },
      templateIdx: templateWith().at(-1)?.idx ?? 0,
      createdAt: new Date().toISOString(),
      tables: [{ name: "not_in_template", rows: 1 }],
      objects: [{ key: "o.txt", size: 1 }],
      entries: {
        "tables/not_in_template.jsonl": sha256(rows),
        "objects/o.txt": sha256(new Uint8Array([7])),
      },
    };
    const bogus = await packArchive(
      [
        { name: "manifest.json", body: new TextEncoder().encode(JSON.stringify(manifest)) },
        { name: "tables/not_in_template.jsonl", body: rows },
        { name: "objects/o.txt", body: new Uint8Array([7]) },
      ],
      new Date(),
    );
    const slug = randomSlug("imp");
    await expect(importTenant(db, s3.store, bogus, { slug })).rejects.toThrow(/not_in_template/);
    await assertNothingFor(slug);
  });

  it("migrates an archive from an older template forward, then activates it", async () => {
    const next = templateWith(["create table extra_items (id bigserial primary key, label text)"]);
    const copy = await importTenant(db, s3.store, archive, {
      slug: randomSlug("imp"),
      name: "朝阳区（恢复）",
      migrations: next,
    });
    factory.track(copy);
    expect(copy).toMatchObject({ status: "active", name: "朝阳区（恢复）", level: "district" });
    const ledger = await query<{ idx: number }>(
      db.orm,
      sql`select idx from platform.tenant_migrations where tenant_id = ${copy.id} order by idx`,
    );
    expect(ledger.map((r) => Number(r.idx))).toEqual(next.map((m) => m.idx));
    const seen = await withTenant(db, copy, async (tx) => ({
      marker: await tx.select().from(settings),
      items: await query(tx, sql`select * from extra_items`),
    }));
    expect(seen.marker.map((r) => r.value)).toEqual([{ text: "unique-marker-value" }]);
    expect(seen.items).toEqual([]);
    expect(new TextDecoder().decode(await s3.store.get(copy.id, "f.txt"))).toBe("file");
  });
});
