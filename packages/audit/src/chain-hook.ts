import { type Database, platformSchema, type Tx } from "@zhengyun/db";
import type { TenantRef } from "@zhengyun/tenancy";
import { eq, sql } from "drizzle-orm";
import { type AuditRecord, writeAudit } from "./record.ts";

/** An event from a control-plane verb (identity, staff): null tenant means the vendor's own log. */
export type ChainEvent = AuditRecord & { tenantId: string | null };

/**
 * Identity verbs hand their audit events to this hook inside their control-plane transaction.
 * Vendor events (no tenant) land in platform.audit_log; a tenant user's events land in that
 * tenant's own audit_log, in the same transaction: the transaction switches, locally, to the
 * tenant's schema and role for the one insert and back. (SET ROLE is checked against the session
 * user, the owner, which is a member of every tenant role; the tenant role can reach only its own
 * schema, so the insert cannot land anywhere else.) Shared by the JSON routes and the pages, so
 * both write the same records.
 */
export function chainAuditHook(db: Database, known?: TenantRef) {
  return async (tx: Tx, e: ChainEvent): Promise<void> => {
    const record = { ...e, ...(e.data ? { data: e.data } : {}) };
    if (e.tenantId === null) {
      await writeAudit(tx, record);
      return;
    }
    const tenant = known?.id === e.tenantId ? known : await tenantById(tx, e.tenantId);
    if (!tenant) throw new Error(`audit event for unknown tenant ${e.tenantId}`);
    await writeTenantAudit(db, tx, tenant, record);
  };
}

/** Appends to the tenant's chain from inside a control-plane transaction (see chainAuditHook). */
export async function writeTenantAudit(
  db: Database,
  tx: Tx,
  tenant: TenantRef,
  record: AuditRecord,
): Promise<string> {
  await tx.execute(
    sql`select set_config('search_path', ${tenant.schemaName}, true), set_config('role', ${tenant.roleName}, true)`,
  );
  const id = await writeAudit(tx, record);
  await tx.execute(
    sql`select set_config('search_path', 'platform', true), set_config('role', ${db.runtimeRole}, true)`,
  );
  return id;
}

async function tenantById(tx: Tx, id: string): Promise<TenantRef | undefined> {
  const [t] = await tx
    .select()
    .from(platformSchema.tenants)
    .where(eq(platformSchema.tenants.id, id));
  return t;
}
