import { ConflictError } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import { findTenantBySlug, type Tenant } from "@zhengyun/tenancy";
import { type ProvisionInput, provisionTenant } from "@zhengyun/tenancy/node";

/**
 * Creates a tenant for the vendor API. provisionTenant is idempotent (it returns an existing tenant
 * for a repeated slug, which resumes a crashed provisioning); over HTTP a taken slug is a conflict.
 */
export async function createTenant(db: Database, input: ProvisionInput): Promise<Tenant> {
  const existing = await findTenantBySlug(db, input.slug);
  if (existing && existing.status !== "provisioning") {
    throw new ConflictError(`slug "${input.slug}" is already taken`);
  }
  return provisionTenant(db, input);
}
