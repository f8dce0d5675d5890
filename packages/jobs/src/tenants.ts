import { NotFoundError } from "@zhengyun/core";
import { type Database, platformSchema } from "@zhengyun/db";
import { type TenantRef, withPlatform } from "@zhengyun/tenancy";
import { and, asc, eq, gt, inArray } from "drizzle-orm";

const { tenants } = platformSchema;
export type Tenant = platformSchema.Tenant;

type Status = platformSchema.TenantStatus;
/** Tenants whose schema exists and may hold work: active and suspended (data is kept). */
export const LIVE: Status[] = ["active", "suspended"];
/** Tenants we act for outward (sending messages): suspended ones wait until resumed. */
export const ACTIVE: Status[] = ["active"];

export async function tenantById(db: Database, id: string): Promise<Tenant | undefined> {
  return withPlatform(
    db,
    async (tx) => (await tx.select().from(tenants).where(eq(tenants.id, id)))[0],
  );
}

/** A TenantRef as given, or a slug looked up (for the CLI); unknown or gone → NotFoundError. */
export async function resolveTenant(
  db: Database,
  t: TenantRef | string,
  statuses: Status[] = LIVE,
): Promise<TenantRef> {
  if (typeof t !== "string") return t;
  const [row] = await withPlatform(db, (tx) =>
    tx
      .select()
      .from(tenants)
      .where(and(eq(tenants.slug, t), inArray(tenants.status, statuses))),
  );
  if (!row) throw new NotFoundError(`No tenant "${t}"`);
  return row;
}

/** Tenants in the given states, in slug order after `afterSlug`, at most `limit`. */
export function tenantsIn(
  db: Database,
  statuses: Status[],
  afterSlug = "",
  limit = 1_000_000,
  onlyIds?: string[],
): Promise<Tenant[]> {
  return withPlatform(db, (tx) =>
    tx
      .select()
      .from(tenants)
      .where(
        and(
          inArray(tenants.status, statuses),
          gt(tenants.slug, afterSlug),
          onlyIds ? inArray(tenants.id, onlyIds) : undefined,
        ),
      )
      .orderBy(asc(tenants.slug))
      .limit(limit),
  );
}

/**
 * A round-robin walk over live tenants, `perTick` at a time, so a periodic job does bounded work
 * per tick however many tenants there are.
 */
export function tenantSweep(db: Database, statuses: Status[], perTick: number, onlyIds?: string[]) {
  let cursor = "";
  const page = (after: string) => tenantsIn(db, statuses, after, perTick, onlyIds);
  return async function next(): Promise<Tenant[]> {
    let batch = await page(cursor);
    if (batch.length === 0 && cursor !== "") batch = await page("");
    cursor = batch.length < perTick ? "" : (batch[batch.length - 1]?.slug ?? "");
    return batch;
  };
}
