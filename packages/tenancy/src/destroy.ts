import { type Database, ident, platformSchema, query } from "@zhengyun/db";
import { eq, sql } from "drizzle-orm";
import type { TenantRef } from "./context.ts";

/**
 * Drops a tenant's schema and role. Privileges the role holds in this database go with
 * DROP OWNED; the role itself is cluster-global and dropped last. Idempotent.
 */
export async function dropTenantSchemaAndRole(db: Database, tenant: TenantRef): Promise<void> {
  await db.orm.execute(sql`drop schema if exists ${ident(tenant.schemaName)} cascade`);
  const exists = await query(
    db.orm,
    sql`select 1 from pg_roles where rolname = ${tenant.roleName}`,
  );
  if (exists.length > 0) {
    await db.orm.execute(sql`drop owned by ${ident(tenant.roleName)}`);
    await db.orm.execute(sql`drop role ${ident(tenant.roleName)}`);
  }
  await db.orm
    .delete(platformSchema.tenantMigrations)
    .where(eq(platformSchema.tenantMigrations.tenantId, tenant.id));
}
