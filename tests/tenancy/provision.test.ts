import { type Database, platformSchema, query } from "@zhengyun/db";
import { assertServable, findTenantBySlug, withTenant } from "@zhengyun/tenancy";
import { provisionTenant } from "@zhengyun/tenancy/node";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, openTestDatabase, randomSlug, tenantFactory } from "../harness/index.ts";
import { templateWith } from "./support.ts";

const { tenants } = platformSchema;
const GOOD = templateWith(["create table extra_flags (key text primary key)"]);
const FAILING = templateWith(["select 1 / 0"]);

describe.each(drivers())("provisioning on %s", (driver) => {
  let db: Database;
  let factory: ReturnType<typeof tenantFactory>;

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    factory = tenantFactory(db);
  });
  afterAll(async () => {
    await factory.cleanup();
    await db.close();
  });

  const ledger = async (id: string) =>
    (
      await query<{ idx: number }>(
        db.orm,
        sql`select idx from platform.tenant_migrations where tenant_id = ${id} order by idx`,
      )
    ).map((r) => Number(r.idx));
  const input = (slug: string) => ({ slug, name: "西城区", level: "district" as const });

  it("leaves nothing behind when provisioning fails half way, and succeeds when rerun", async () => {
    const slug = randomSlug("prov");
    await expect(provisionTenant(db, input(slug), { migrations: FAILING })).rejects.toThrow();
    expect(await db.orm.select().from(tenants).where(eq(tenants.slug, slug))).toEqual([]);
    expect(await findTenantBySlug(db, slug)).toBeUndefined();
    const schema = `t_${slug.replaceAll("-", "_")}`;
    const leftovers = await query(
      db.orm,
      sql`select 1 from pg_namespace where nspname = ${schema}
          union all select 1 from pg_roles where rolname = ${`${db.rolePrefix}${schema}`}`,
    );
    expect(leftovers).toEqual([]);

    const done = await provisionTenant(db, input(slug), { migrations: GOOD });
    factory.track(done);
    expect(done.status).toBe("active");
    expect(await ledger(done.id)).toEqual(GOOD.map((m) => m.idx));
    await withTenant(db, done, (tx) => tx.execute(sql`insert into extra_flags values ('ok')`));
    assertServable(await findTenantBySlug(db, slug), slug);
  });

  it("resumes a tenant left provisioning with a schema but no migrations, and is idempotent", async () => {
    const slug = randomSlug("prov");
    const first = await provisionTenant(db, input(slug), { activate: false, upToIdx: -1 });
    factory.track(first);
    expect(first.status).toBe("provisioning");
    expect(await ledger(first.id)).toEqual([]);

    const active = await provisionTenant(db, input(slug));
    expect(active.status).toBe("active");
    const applied = await ledger(active.id);
    expect(applied.length).toBeGreaterThan(0);
    const again = await provisionTenant(db, input(slug));
    expect(again.id).toBe(active.id);
    expect(await ledger(again.id)).toEqual(applied);
  });
});
