import { AsyncLocalStorage } from "node:async_hooks";
import type { Database, Tx } from "@zhengyun/db";
import { sql } from "drizzle-orm";

/** What withTenant needs to know of a tenant: where its data is and which role may touch it. */
export interface TenantRef {
  id: string;
  slug: string;
  schemaName: string;
  roleName: string;
}

interface Scope {
  kind: "tenant" | "platform";
  tenantId: string | undefined;
  tx: Tx;
}

/*
 * Tracks the transaction a call runs in, so a nested withTenant for the same tenant joins it and
 * one for another tenant is refused. It is never read to decide *which* tenant to use: callers
 * always pass the tenant explicitly. (node:async_hooks is available on Workers with nodejs_compat.)
 */
const scopes = new AsyncLocalStorage<Scope>();

export class TenantContextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TenantContextError";
  }
}

/**
 * One round trip sets both, transaction-local: set_config('role', r, true) is SET LOCAL ROLE (the
 * same technique PostgREST uses), and it keeps withTenant's cost to BEGIN + this + COMMIT.
 */
async function enterScope(tx: Tx, schema: string, role: string): Promise<void> {
  await tx.execute(
    sql`select set_config('search_path', ${schema}, true), set_config('role', ${role}, true)`,
  );
}

/**
 * The only door to tenant data: one transaction whose search_path is the tenant's schema and whose
 * role is the tenant's role, both set LOCAL so a pooled connection carries nothing to its next user.
 * A nested call for the same tenant joins the outer transaction. A nested call for another tenant
 * throws: set_config(..., true) survives RELEASE SAVEPOINT, so a savepoint could not contain it.
 */
export async function withTenant<T>(
  db: Database,
  tenant: TenantRef,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  const outer = scopes.getStore();
  if (outer) {
    if (outer.kind === "tenant" && outer.tenantId === tenant.id) return fn(outer.tx);
    throw new TenantContextError(
      outer.kind === "tenant"
        ? `withTenant(${tenant.slug}) inside another tenant's transaction`
        : `withTenant(${tenant.slug}) inside a platform transaction`,
    );
  }
  return db.orm.transaction(async (tx) => {
    await enterScope(tx, tenant.schemaName, tenant.roleName);
    return scopes.run({ kind: "tenant", tenantId: tenant.id, tx }, () => fn(tx));
  });
}

/**
 * Control-plane work on the request path: the runtime role, which owns nothing and holds only the
 * grants listed in @zhengyun/db's platformGrants. Nested platform calls join the outer transaction.
 */
export async function withPlatform<T>(db: Database, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const outer = scopes.getStore();
  if (outer) {
    if (outer.kind === "platform") return fn(outer.tx);
    throw new TenantContextError("withPlatform inside a tenant transaction");
  }
  return db.orm.transaction(async (tx) => {
    await enterScope(tx, "platform", db.runtimeRole);
    return scopes.run({ kind: "platform", tenantId: undefined, tx }, () => fn(tx));
  });
}

/** The tenant of the transaction this code runs in, for assertions only (e.g. job handlers). */
export function currentScopeTenantId(): string | undefined {
  return scopes.getStore()?.tenantId;
}
