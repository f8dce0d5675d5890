import { ConflictError } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import { findTenantByHost, findTenantBySlug } from "./resolve.ts";

export type TakenName = { field: "slug" } | { field: "domains"; host: string };

/**
 * The first name a new tenant may not have: a slug in use (a tenant still `provisioning` under it
 * may be resumed) or a domain another tenant serves. Checked before provisioning, which would find
 * a taken domain only after writing the tenant's row; a refused creation must write nothing.
 */
export async function takenTenantName(
  db: Database,
  input: { slug: string; domains?: readonly string[] | undefined },
): Promise<TakenName | undefined> {
  const existing = await findTenantBySlug(db, input.slug);
  if (existing && existing.status !== "provisioning") return { field: "slug" };
  for (const raw of input.domains ?? []) {
    const host = raw.trim();
    const owner = await findTenantByHost(db, host);
    if (owner && owner.id !== existing?.id) return { field: "domains", host };
  }
  return undefined;
}

/** takenTenantName as a 409 (the API's answer). */
export async function assertTenantNamesFree(
  db: Database,
  input: { slug: string; domains?: readonly string[] | undefined },
): Promise<void> {
  const taken = await takenTenantName(db, input);
  if (!taken) return;
  throw new ConflictError(
    taken.field === "slug"
      ? `slug "${input.slug}" is already taken`
      : `domain ${taken.host} is already taken`,
  );
}
