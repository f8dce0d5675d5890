import { type SQL, sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";

/** The drizzle handle above either driver (postgres.js or PGlite): one code path for both. */
// biome-ignore lint/suspicious/noExplicitAny: relational schema generics are not used through this type
export type Orm = PgDatabase<PgQueryResultHKT, any>;
// biome-ignore lint/suspicious/noExplicitAny: see Orm
export type Tx = PgTransaction<PgQueryResultHKT, any, any>;
export type Executor = Orm | Tx;

export type DriverKind = "postgres" | "pglite";

export interface Database {
  readonly orm: Orm;
  readonly driver: DriverKind;
  /** Prefix of every role this database creates; roles are cluster-global, schemas are not. */
  readonly rolePrefix: string;
  readonly runtimeRole: string;
  close(): Promise<void>;
}

/** Rows of a raw query, whichever driver ran it (postgres.js returns an array, PGlite `{ rows }`). */
export async function query<T = Record<string, unknown>>(exec: Executor, q: SQL): Promise<T[]> {
  const res = (await exec.execute(q)) as unknown;
  if (Array.isArray(res)) return res as T[];
  return ((res as { rows?: T[] }).rows ?? []) as T[];
}

export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe identifier: ${name}`);
  return `"${name}"`;
}

export const ident = (name: string): SQL => sql.raw(quoteIdent(name));

/**
 * Takes, for the rest of the transaction, the lock every change to the control plane's schema and
 * its privileges runs under (migrations, the schema's own ACL, the runtime role's grants). Processes
 * starting together (the server, the CLI, test files) then take turns: concurrent GRANT/REVOKE on
 * one object fail in Postgres with "tuple concurrently updated".
 */
export const lockPlatformDdl = (tx: Executor) =>
  tx.execute(sql`select pg_advisory_xact_lock(hashtext('zhengyun:platform-ddl'))`);

export function rolePrefixFor(databaseName: string): string {
  const clean = databaseName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .slice(0, 12);
  return `zy_${clean}_`;
}

export async function currentDatabase(orm: Orm): Promise<string> {
  const [row] = await query<{ db: string }>(orm, sql`select current_database() as db`);
  if (!row) throw new Error("current_database() returned nothing");
  return row.db;
}
