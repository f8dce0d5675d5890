import type { Database } from "@zhengyun/db";

/** What pg-boss calls on the `db` option: one statement with values, or a script without. */
export interface BossDb {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

type Rows = { rows: unknown[] };
interface PgliteClient {
  query(text: string, params: unknown[]): Promise<Rows>;
  transaction<T>(fn: (tx: { exec(text: string): Promise<Rows[]> }) => Promise<T>): Promise<T>;
}
interface PostgresQuery extends Promise<unknown> {
  simple(): Promise<unknown>;
}
interface PostgresClient {
  unsafe(text: string, params?: unknown[]): PostgresQuery;
  begin<T>(fn: (tx: PostgresClient) => Promise<T>): Promise<T>;
}

/** pg serializes plain objects as JSON; postgres.js only does that for `json`, not `jsonb`. */
const prepare = (v: unknown): unknown =>
  v === undefined
    ? null
    : v !== null &&
        typeof v === "object" &&
        !Array.isArray(v) &&
        !(v instanceof Date) &&
        !(v instanceof Uint8Array)
      ? JSON.stringify(v)
      : v;

const lastRows = (res: unknown): unknown[] => {
  // A multi-statement script answers one result per statement; pg-boss only reads single ones.
  if (Array.isArray(res) && res.length > 0 && Array.isArray(res[res.length - 1])) {
    return Array.from(res[res.length - 1] as unknown[]);
  }
  return Array.isArray(res) ? Array.from(res) : [];
};

/**
 * Runs pg-boss on our own connection (the owner's): no second pool, and the same code on PGlite and
 * postgres.js. Scripts without values (schema creation, migrations, maintenance) carry their own
 * BEGIN/COMMIT; they run inside a driver transaction so an error rolls back instead of leaving the
 * shared connection in an aborted transaction.
 */
export function bossDb(db: Database): BossDb {
  // The driver client behind drizzle; drizzle's own execute() cannot run multi-statement scripts.
  const client = (db.orm as unknown as { $client: unknown }).$client;
  if (db.driver === "pglite") {
    const pg = client as PgliteClient;
    return {
      async executeSql(text, values) {
        if (values && values.length > 0) return pg.query(text, values.map(prepare));
        const results = await pg.transaction((tx) => tx.exec(text));
        return results[results.length - 1] ?? { rows: [] };
      },
    };
  }
  const pg = client as PostgresClient;
  return {
    async executeSql(text, values) {
      if (values && values.length > 0) {
        return { rows: lastRows(await pg.unsafe(text, values.map(prepare))) };
      }
      return { rows: lastRows(await pg.begin((tx) => tx.unsafe(text).simple())) };
    },
  };
}
