import type { PgDialect } from "drizzle-orm/pg-core";
import { PostgresJsSession, PostgresJsTransaction } from "drizzle-orm/postgres-js";
import type postgres from "postgres";
import type { Orm, Tx } from "./database.ts";

type Reserved = postgres.ReservedSql;

/** What a drizzle postgres.js session holds (drizzle keeps these members internal). */
interface SessionParts {
  client: postgres.Sql;
  dialect: PgDialect;
  schema: undefined;
  options: ConstructorParameters<typeof PostgresJsSession>[3];
}

/** Codes postgres.js gives queries of a connection that went away (it then recycles it itself). */
const LOST = new Set(["CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED"]);
const lost = (e: unknown) => LOST.has(String((e as { code?: unknown } | null)?.code));

export class ScopeEndedError extends Error {
  constructor() {
    super("query on a transaction scope that has already ended");
    this.name = "ScopeEndedError";
  }
}

/**
 * A transaction on a reserved postgres.js connection whose opening statement (`head`: BEGIN and the
 * scope's SET LOCALs, one simple query) is sent without waiting, so it travels with the callback's
 * first query. postgres.js writes a connection's queries in order and Postgres runs them in order;
 * if the head fails, the transaction block is aborted and every later statement of the scope is
 * refused (25P02), so nothing runs without the scope's role. The head's own error is what the
 * caller sees. `readOnly` scopes return without waiting for COMMIT (a read-only COMMIT has nothing
 * to report; see keepWarm for where the connection goes). Other scopes wait for COMMIT,
 * and a COMMIT that Postgres turned into ROLLBACK (a statement failed and the callback swallowed the
 * error) is an error, as with postgres.js's own begin(). Queries through the scope's handle after it
 * ended are refused (they would otherwise run in whatever transaction the connection serves next).
 */
export async function pipelinedScope<T>(
  orm: Orm,
  head: string,
  readOnly: boolean,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  const base = (orm as unknown as { _: { session: SessionParts } })._.session;
  const conn = warm.get(base.client)?.pop()?.conn ?? (await base.client.reserve());
  let ended = false;
  let savepoints = 0;
  const client = {
    unsafe(
      text: string,
      params?: postgres.ParameterOrJSON<never>[],
      opts?: postgres.UnsafeQueryOptions,
    ) {
      if (ended) throw new ScopeEndedError();
      return conn.unsafe(text, params, opts);
    },
    // drizzle's nested tx.transaction(): a savepoint on the same connection.
    async savepoint<R>(cb: (c: unknown) => Promise<R>): Promise<R> {
      const name = `zy_sp${savepoints++}`;
      await client.unsafe(`savepoint ${name}`);
      try {
        const r = await cb(client);
        await client.unsafe(`release savepoint ${name}`);
        return r;
      } catch (e) {
        await client.unsafe(`rollback to savepoint ${name}`);
        throw e;
      }
    },
  };
  const session = new PostgresJsSession(
    client as unknown as postgres.Sql,
    base.dialect,
    base.schema,
    base.options,
  );
  const tx = new PostgresJsTransaction(
    base.dialect,
    session as unknown as ConstructorParameters<typeof PostgresJsTransaction>[1],
    base.schema,
  ) as unknown as Tx;
  const opened: Promise<unknown> = conn
    .unsafe(head)
    .execute()
    .then(
      () => undefined,
      (e: unknown) => e ?? new Error("opening the transaction failed"),
    );

  let result: T;
  try {
    result = await fn(tx);
  } catch (e) {
    const headError = await opened;
    ended = true;
    await finish(conn, "rollback").catch(() => {});
    throw headError ?? e;
  }
  const headError = await opened;
  ended = true;
  if (headError) {
    await finish(conn, "rollback").catch(() => {});
    throw headError;
  }
  if (readOnly) {
    keepWarm(base.client, conn);
    return result;
  }
  const done = await finish(conn, "commit");
  if (done.command === "ROLLBACK") {
    throw new Error("the transaction was rolled back: a statement in it failed");
  }
  return result;
}

/*
 * A read-only scope sends its COMMIT and keeps the connection reserved until the end of the current
 * macrotask, newest first: a scope that starts before then (the next read of the same request or
 * loop) takes it, and its opening goes out in the same write as that COMMIT, queued behind it on
 * the connection. What is left goes back to the pool once its COMMIT is done (released earlier,
 * the pool could hand it a waiting query that postgres.js writes before the COMMIT, inside the
 * finished scope's transaction).
 */
interface Warm {
  conn: Reserved;
  committed: Promise<unknown>;
}
const warm = new WeakMap<postgres.Sql, Warm[]>();

function keepWarm(client: postgres.Sql, conn: Reserved): void {
  const committed = conn.unsafe("commit").execute();
  // A scope that takes the connection over never looks at this COMMIT: its failure (a lost
  // connection) reaches that scope through its own statements, not as an unhandled rejection.
  committed.catch(() => {});
  let list = warm.get(client);
  if (!list) {
    list = [];
    warm.set(client, list);
  }
  list.push({ conn, committed });
  if (list.length === 1) {
    const pending = list;
    setImmediate(() => {
      for (const w of pending.splice(0)) {
        w.committed.then(
          () => w.conn.release(),
          (e: unknown) => lost(e) || w.conn.release(),
        );
      }
    });
  }
}

/** Ends the transaction and gives the connection back, unless it is gone (postgres.js reopens it). */
async function finish(conn: Reserved, statement: "commit" | "rollback") {
  try {
    const r = await conn.unsafe(statement);
    conn.release();
    return r;
  } catch (e) {
    if (!lost(e)) conn.release();
    throw e;
  }
}
