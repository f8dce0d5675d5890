import { randomBytes } from "node:crypto";
import type { Database } from "@zhengyun/db";
import { platformSchema } from "@zhengyun/db";
import { dropTenantSchemaAndRole, provisionTenant } from "@zhengyun/tenancy/node";
import { eq } from "drizzle-orm";

export type Tenant = platformSchema.Tenant;

export function randomSlug(prefix = "t"): string {
  return `${prefix}-${randomBytes(5).toString("hex")}`;
}

/**
 * Every test that touches tenant data makes its own tenants; `cleanup` drops their schemas, roles
 * (cluster-global, so they must not pile up in a shared test server) and rows.
 */
export function tenantFactory(db: Database) {
  const made: Tenant[] = [];
  return {
    async create(
      overrides: {
        slug?: string;
        name?: string;
        level?: "city" | "district" | "street";
        domains?: string[];
      } = {},
    ) {
      const t = await provisionTenant(db, {
        slug: overrides.slug ?? randomSlug(),
        name: overrides.name ?? "测试区",
        level: overrides.level ?? "district",
        domains: overrides.domains ?? [],
      });
      made.push(t);
      return t;
    },
    track(t: Tenant) {
      made.push(t);
    },
    async cleanup() {
      for (const t of made.splice(0)) {
        await dropTenantSchemaAndRole(db, t);
        await db.orm.delete(platformSchema.tenants).where(eq(platformSchema.tenants.id, t.id));
      }
    },
  };
}
