import { sql } from "drizzle-orm";
import { type Database, quoteIdent, type Tx } from "./database.ts";
import { type Commit, pipelinedScope } from "./postgres-scope.ts";

export type { Commit };

/** Transaction-local settings a scope runs under (withTenant, withPlatform). */
export interface ScopeSettings {
  /** The schema searched for unqualified names. */
  searchPath: string;
  /** The role every statement of the scope runs as. */
  role: string;
  /**
   * A read-only transaction (Postgres refuses writes in it). On postgres.js the scope returns
   * without waiting for COMMIT: nothing can fail there that the caller must hear of.
   */
  readOnly?: boolean;
}

/**
 * The statements that open a scope: BEGIN and both settings, sent together in front of the scope's
 * first query; if a SET fails the transaction block is aborted, so no statement sent after it can
 * run (see postgres-scope.ts). SET LOCAL answers with a bare command tag (set_config returns a row
 * to parse). Names are inlined (the statements take no parameters) through quoteIdent's check.
 */
export function openScopeStatements(s: ScopeSettings): string[] {
  return [
    s.readOnly ? "begin read only" : "begin",
    `set local search_path to ${quoteIdent(s.searchPath)}`,
    `set local role ${quoteIdent(s.role)}`,
  ];
}

/**
 * One transaction with `search_path` and role set LOCAL before the callback's first statement, so a
 * pooled connection carries nothing to its next user. postgres.js sends BEGIN and the settings
 * with the callback's first query (one round trip where there were three); PGlite, which has one
 * connection and serialises transactions itself, takes drizzle's transaction and one set_config.
 */
export function scopedTransaction<T>(
  db: Database,
  settings: ScopeSettings,
  fn: (tx: Tx, commit: Commit) => Promise<T>,
): Promise<T> {
  if (db.driver === "postgres") {
    return pipelinedScope(db.orm, openScopeStatements(settings), settings.readOnly === true, fn);
  }
  return db.orm.transaction(async (tx) => {
    await tx.execute(
      sql`select set_config('search_path', ${settings.searchPath}, true), set_config('role', ${settings.role}, true)${settings.readOnly ? sql`, set_config('transaction_read_only', 'on', true)` : sql``}`,
    );
    return fn(tx, committedByOwner);
  });
}

/** commit() where the transaction commits when its owner's callback returns (PGlite, nested scopes). */
export const committedByOwner: Commit = async () => {};
