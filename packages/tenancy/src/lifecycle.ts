import { ConflictError, NotFoundError } from "@zhengyun/core";
import { type Database, type Executor, platformSchema, type Tx } from "@zhengyun/db";
import { eq, sql } from "drizzle-orm";

const { tenants, tenantExports } = platformSchema;
type Tenant = platformSchema.Tenant;

/**
 * Runs after a status change, in its transaction, with `search_path` on the control plane: an
 * audit record written here (writeAudit) lands in the vendor chain or the change does not happen.
 */
export type TenantChangeHook = (tx: Tx, tenant: Tenant, from: Tenant["status"]) => Promise<void>;

async function load(exec: Executor, slug: string): Promise<Tenant> {
  const [t] = await exec.select().from(tenants).where(eq(tenants.slug, slug));
  if (!t || t.status === "offboarded") throw new NotFoundError(`No tenant "${slug}"`);
  return t;
}

async function changed(
  tx: Tx,
  row: Tenant | undefined,
  from: Tenant["status"],
  hook?: TenantChangeHook,
) {
  if (!row) throw new Error("update returned nothing");
  if (hook) {
    await tx.execute(sql`select set_config('search_path', 'platform', true)`);
    await hook(tx, row, from);
  }
  return row;
}

/** Suspended tenants keep their data; their routes answer 423 until resumed. */
export async function suspendTenant(
  db: Database,
  slug: string,
  now = new Date(),
  onChange?: TenantChangeHook,
): Promise<Tenant> {
  return db.orm.transaction(async (tx) => {
    const t = await load(tx, slug);
    if (t.status === "suspended") return t;
    if (t.status !== "active") throw new ConflictError(`Tenant "${slug}" is ${t.status}`);
    const [row] = await tx
      .update(tenants)
      .set({ status: "suspended", suspendedAt: now, updatedAt: now })
      .where(eq(tenants.id, t.id))
      .returning();
    return changed(tx, row, t.status, onChange);
  });
}

export async function resumeTenant(
  db: Database,
  slug: string,
  now = new Date(),
  onChange?: TenantChangeHook,
): Promise<Tenant> {
  return db.orm.transaction(async (tx) => {
    const t = await load(tx, slug);
    if (t.status === "active") return t;
    if (t.status !== "suspended") throw new ConflictError(`Tenant "${slug}" is ${t.status}`);
    // A recorded export means offboarding started (and may have dropped the schema): finish it instead.
    const [exp] = await tx
      .select({ id: tenantExports.id })
      .from(tenantExports)
      .where(eq(tenantExports.tenantId, t.id))
      .limit(1);
    if (exp) throw new ConflictError(`Tenant "${slug}" is being offboarded; run offboard again`);
    const [row] = await tx
      .update(tenants)
      .set({ status: "active", suspendedAt: null, updatedAt: now })
      .where(eq(tenants.id, t.id))
      .returning();
    return changed(tx, row, t.status, onChange);
  });
}

export const loadTenantForAdmin = (db: Database, slug: string): Promise<Tenant> =>
  load(db.orm, slug);
