import { ConflictError } from "@zhengyun/core";
import type { Database, Tx } from "@zhengyun/db";
import { findTenantByHost, findTenantBySlug, type Tenant } from "@zhengyun/tenancy";
import { type ProvisionInput, provisionTenant } from "@zhengyun/tenancy/node";

/**
 * Creates a tenant for the vendor API. provisionTenant is idempotent (it returns an existing tenant
 * for a repeated slug, which resumes a crashed provisioning); over HTTP a taken slug is a conflict.
 * Taken domains are refused up front too: provisionTenant would find them only after writing the
 * tenant's row, and a refused request must write nothing.
 */
export async function createTenant(
  db: Database,
  input: ProvisionInput,
  audit: (tx: Tx, tenant: Tenant) => Promise<void>,
): Promise<Tenant> {
  const existing = await findTenantBySlug(db, input.slug);
  if (existing && existing.status !== "provisioning") {
    throw new ConflictError(`slug "${input.slug}" is already taken`);
  }
  for (const host of input.domains ?? []) {
    const owner = await findTenantByHost(db, host.trim());
    if (owner && owner.id !== existing?.id)
      throw new ConflictError(`domain ${host} is already taken`);
  }
  return provisionTenant(db, input, { audit });
}
