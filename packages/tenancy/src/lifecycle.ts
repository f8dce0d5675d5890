import { ConflictError, NotFoundError } from "@zhengyun/core";
import { type Database, platformSchema } from "@zhengyun/db";
import { eq } from "drizzle-orm";

const { tenants, tenantExports } = platformSchema;
type Tenant = platformSchema.Tenant;

async function load(db: Database, slug: string): Promise<Tenant> {
  const [t] = await db.orm.select().from(tenants).where(eq(tenants.slug, slug));
  if (!t || t.status === "offboarded") throw new NotFoundError(`No tenant "${slug}"`);
  return t;
}

/** Suspended tenants keep their data; their routes answer 423 until resumed. */
export async function suspendTenant(db: Database, slug: string, now = new Date()): Promise<Tenant> {
  const t = await load(db, slug);
  if (t.status === "suspended") return t;
  if (t.status !== "active") throw new ConflictError(`Tenant "${slug}" is ${t.status}`);
  const [row] = await db.orm
    .update(tenants)
    .set({ status: "suspended", suspendedAt: now, updatedAt: now })
    .where(eq(tenants.id, t.id))
    .returning();
  return row as Tenant;
}

export async function resumeTenant(db: Database, slug: string, now = new Date()): Promise<Tenant> {
  const t = await load(db, slug);
  if (t.status === "active") return t;
  if (t.status !== "suspended") throw new ConflictError(`Tenant "${slug}" is ${t.status}`);
  // A recorded export means offboarding started (and may have dropped the schema): finish it instead.
  const [exp] = await db.orm
    .select({ id: tenantExports.id })
    .from(tenantExports)
    .where(eq(tenantExports.tenantId, t.id))
    .limit(1);
  if (exp) throw new ConflictError(`Tenant "${slug}" is being offboarded; run offboard again`);
  const [row] = await db.orm
    .update(tenants)
    .set({ status: "active", suspendedAt: null, updatedAt: now })
    .where(eq(tenants.id, t.id))
    .returning();
  return row as Tenant;
}

export { load as loadTenantForAdmin };
