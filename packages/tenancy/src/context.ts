import { AsyncLocalStorage } from "node:async_hooks";
import {
  type Commit,
  committedByOwner,
  type Database,
  scopedTransaction,
  type Tx,
} from "@zhengyun/db";

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

/** Options of a scope. */
export interface ScopeOptions {
  /**
   * The scope only reads: Postgres refuses writes in it (a mistaken write fails loudly), and on
   * postgres.js the connection goes back to the pool without waiting for COMMIT. Use it for reads
   * on the request path (pages, GET handlers, exports).
   */
  readOnly?: boolean;
}

/**
 * The only door to tenant data: one transaction whose search_path is the tenant's schema and whose
 * role is the tenant's role, both set LOCAL so a pooled connection carries nothing to its next user.
 * A nested call for the same tenant joins the outer transaction. A nested call for another tenant
 * throws: set_config(..., true) survives RELEASE SAVEPOINT, so a savepoint could not contain it.
 * `commit` (see Commit in @zhengyun/db) lets a hot write path send its COMMIT with its last
 * statements instead of a round trip after them; in a joined scope it does nothing.
 */
export async function withTenant<T>(
  db: Database,
  tenant: TenantRef,
  fn: (tx: Tx, commit: Commit) => Promise<T>,
  opts: ScopeOptions = {},
): Promise<T> {
  const outer = scopes.getStore();
  if (outer) {
    if (outer.kind === "tenant" && outer.tenantId === tenant.id)
      return fn(outer.tx, committedByOwner);
    throw new TenantContextError(
      outer.kind === "tenant"
        ? `withTenant(${tenant.slug}) inside another tenant's transaction`
        : `withTenant(${tenant.slug}) inside a platform transaction`,
    );
  }
  return scopedTransaction(
    db,
    { searchPath: tenant.schemaName, role: tenant.roleName, readOnly: opts.readOnly },
    (tx, commit) => scopes.run({ kind: "tenant", tenantId: tenant.id, tx }, () => fn(tx, commit)),
  );
}

/**
 * Control-plane work on the request path: the runtime role, which owns nothing and holds only the
 * grants listed in @zhengyun/db's platformGrants. Nested platform calls join the outer transaction.
 */
export async function withPlatform<T>(
  db: Database,
  fn: (tx: Tx) => Promise<T>,
  opts: ScopeOptions = {},
): Promise<T> {
  const outer = scopes.getStore();
  if (outer) {
    if (outer.kind === "platform") return fn(outer.tx);
    throw new TenantContextError("withPlatform inside a tenant transaction");
  }
  return scopedTransaction(
    db,
    { searchPath: "platform", role: db.runtimeRole, readOnly: opts.readOnly },
    (tx) => scopes.run({ kind: "platform", tenantId: undefined, tx }, () => fn(tx)),
  );
}

/** The tenant of the transaction this code runs in, for assertions only (e.g. job handlers). */
export function currentScopeTenantId(): string | undefined {
  return scopes.getStore()?.tenantId;
}
