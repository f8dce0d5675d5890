import { LockedError, NotFoundError } from "@zhengyun/core";
import { type Database, platformSchema } from "@zhengyun/db";
import { and, eq, ne } from "drizzle-orm";
import { withPlatform } from "./context.ts";

const { tenants, tenantDomains } = platformSchema;
export type Tenant = platformSchema.Tenant;

export async function findTenantBySlug(db: Database, slug: string): Promise<Tenant | undefined> {
  return withPlatform(db, async (tx) => {
    const [t] = await tx.select().from(tenants).where(eq(tenants.slug, slug));
    return t;
  });
}

export async function findTenantById(db: Database, id: string): Promise<Tenant | undefined> {
  return withPlatform(db, async (tx) => {
    const [t] = await tx.select().from(tenants).where(eq(tenants.id, id));
    return t;
  });
}

export async function findTenantByHost(db: Database, host: string): Promise<Tenant | undefined> {
  const bare = host.toLowerCase().replace(/:\d+$/, "");
  return withPlatform(db, async (tx) => {
    const [row] = await tx
      .select({ tenant: tenants })
      .from(tenantDomains)
      .innerJoin(tenants, eq(tenants.id, tenantDomains.tenantId))
      .where(and(eq(tenantDomains.host, bare), ne(tenants.status, "offboarded")));
    return row?.tenant;
  });
}

/**
 * A tenant that may serve requests: unknown, still provisioning or offboarded → 404; suspended → 423.
 */
export function assertServable(tenant: Tenant | undefined, label: string): Tenant {
  if (!tenant || tenant.status === "provisioning" || tenant.status === "offboarded") {
    throw new NotFoundError(`No tenant "${label}"`);
  }
  if (tenant.status === "suspended") throw new LockedError(`Tenant "${label}" is suspended`);
  return tenant;
}

export async function listTenants(db: Database): Promise<Tenant[]> {
  return withPlatform(db, (tx) => tx.select().from(tenants).orderBy(tenants.slug));
}
