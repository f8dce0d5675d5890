import type { Database, Tx } from "@zhengyun/db";
import { assertTenantNamesFree, type Tenant } from "@zhengyun/tenancy";
import { type ProvisionInput, provisionTenant } from "@zhengyun/tenancy/node";

/**
 * Creates a tenant for the vendor API. provisionTenant is idempotent (it returns an existing tenant
 * for a repeated slug, which resumes a crashed provisioning); over HTTP a taken slug or domain is a
 * conflict, refused before anything is written.
 */
export async function createTenant(
  db: Database,
  input: ProvisionInput,
  audit: (tx: Tx, tenant: Tenant) => Promise<void>,
): Promise<Tenant> {
  await assertTenantNamesFree(db, input);
  return provisionTenant(db, input, { audit });
}
