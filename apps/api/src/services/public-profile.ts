import type { Database } from "@zhengyun/db";
import { tenantSchema } from "@zhengyun/db";
import { type Tenant, withTenant } from "@zhengyun/tenancy";
import { eq } from "drizzle-orm";

export interface PublicProfile {
  slug: string;
  name: string;
  level: Tenant["level"];
  publicProfile: unknown;
}

/** What anyone may see of a tenant: its name and level, plus its `public_profile` setting. */
export async function getPublicProfile(db: Database, tenant: Tenant): Promise<PublicProfile> {
  const { settings } = tenantSchema;
  const [row] = await withTenant(db, tenant, (tx) =>
    tx.select({ value: settings.value }).from(settings).where(eq(settings.key, "public_profile")),
  );
  return {
    slug: tenant.slug,
    name: tenant.name,
    level: tenant.level,
    publicProfile: row?.value ?? null,
  };
}
