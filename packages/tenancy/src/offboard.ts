import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { ConflictError, NotFoundError, newId, ValidationError } from "@zhengyun/core";
import { type Database, platformSchema } from "@zhengyun/db";
import type { ObjectStore } from "@zhengyun/storage";
import { desc, eq } from "drizzle-orm";
import { sha256 } from "./archive.ts";
import { dropTenantSchemaAndRole } from "./destroy.ts";
import { exportTenant } from "./export.ts";

const { tenants, tenantDomains, tenantExports } = platformSchema;
type ExportRecord = typeof tenantExports.$inferSelect;

/**
 * Reserved owner id for offboarding archives in the object store: they live under
 * `tenants/_exports/`, outside every tenant's prefix (tenant ids are `ten_…`), so dropping a tenant's
 * objects never touches them.
 */
export const EXPORTS_OWNER = "_exports";
export const MIN_RETAIN_DAYS = 180;

export interface OffboardResult {
  /** Key of the archive under EXPORTS_OWNER in the object store. */
  archiveKey: string;
  bytes: number;
  sha256: string;
  exportId: string;
  retainUntil: Date;
}

const toResult = (r: ExportRecord): OffboardResult => ({
  archiveKey: r.objectKey,
  bytes: r.bytes,
  sha256: r.sha256,
  exportId: r.id,
  retainUntil: r.retainUntil,
});

async function writeAtomically(path: string, body: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, body);
  await rename(tmp, path);
}

/** Makes sure the local export file holds the recorded archive (a resumed run may lack it). */
async function ensureExportFile(storage: ObjectStore, rec: ExportRecord, path: string) {
  const existing = await readFile(path).catch(() => undefined);
  if (existing && sha256(existing) === rec.sha256) return;
  const body = await storage.get(EXPORTS_OWNER, rec.objectKey);
  if (!body || sha256(body) !== rec.sha256) {
    throw new Error(`recorded export ${rec.objectKey} is missing or damaged in storage`);
  }
  await writeAtomically(path, body);
}

/**
 * Offboards a tenant: suspends it, exports it (kept in storage and written to `exportFile`, recorded
 * in platform.tenant_exports with a retention of at least 180 days), then drops its schema, role,
 * domains and stored objects and marks it offboarded. Resumable: once the export is recorded, a rerun
 * after a crash reuses it and carries on with the drops, each of which tolerates having run.
 */
export async function offboardTenant(
  db: Database,
  storage: ObjectStore,
  slug: string,
  opts: { exportFile: string; retainDays?: number; now?: Date },
): Promise<OffboardResult> {
  const retainDays = opts.retainDays ?? MIN_RETAIN_DAYS;
  if (!(retainDays >= MIN_RETAIN_DAYS)) {
    throw new ValidationError(`exports are retained at least ${MIN_RETAIN_DAYS} days`);
  }
  const now = opts.now ?? new Date();
  const [tenant] = await db.orm.select().from(tenants).where(eq(tenants.slug, slug));
  if (!tenant) throw new NotFoundError(`No tenant "${slug}"`);
  if (tenant.status === "provisioning") {
    throw new ConflictError(`Tenant "${slug}" is still provisioning`);
  }
  let [rec] = await db.orm
    .select()
    .from(tenantExports)
    .where(eq(tenantExports.tenantId, tenant.id))
    .orderBy(desc(tenantExports.createdAt))
    .limit(1);

  if (tenant.status === "offboarded") {
    if (!rec) throw new NotFoundError(`Tenant "${slug}" was offboarded without an export`);
    await ensureExportFile(storage, rec, opts.exportFile);
    return toResult(rec);
  }

  if (rec) {
    await ensureExportFile(storage, rec, opts.exportFile);
  } else {
    // No new writes through the tenant's routes while its data is exported and dropped.
    if (tenant.status === "active") {
      await db.orm
        .update(tenants)
        .set({ status: "suspended", suspendedAt: now, updatedAt: now })
        .where(eq(tenants.id, tenant.id));
    }
    const exp = await exportTenant(db, storage, slug, { now });
    // One key per tenant: a rerun after a crash before the record overwrites, never orphans.
    const objectKey = `${tenant.slug}/${tenant.id}.tar.gz`;
    await storage.put(EXPORTS_OWNER, objectKey, exp.archive, "application/gzip");
    await writeAtomically(opts.exportFile, exp.archive);
    [rec] = await db.orm
      .insert(tenantExports)
      .values({
        id: newId("exp"),
        tenantId: tenant.id,
        slug: tenant.slug,
        objectKey,
        bytes: exp.bytes,
        sha256: exp.sha256,
        retainUntil: new Date(now.getTime() + retainDays * 86_400_000),
      })
      .returning();
    if (!rec) throw new Error("export record was not written");
  }

  await dropTenantSchemaAndRole(db, tenant);
  await storage.deletePrefix(tenant.id);
  await db.orm.delete(tenantDomains).where(eq(tenantDomains.tenantId, tenant.id));
  await db.orm
    .update(tenants)
    .set({ status: "offboarded", offboardedAt: now, updatedAt: now })
    .where(eq(tenants.id, tenant.id));
  return toResult(rec);
}
