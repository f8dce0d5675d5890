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
 * What the patched postgres.js (patches/postgres@3.4.9.patch) sends once, in front of the first
 * query of a reserved connection that is written, inside that query's Sync.
 */
interface Prefix {
  statements: string[];
  sent: boolean;
}

/**
 * A transaction on a reserved postgres.js connection whose opening statements (`head`: BEGIN and
 * the scope's SET LOCALs) travel in front of the callback's first query, in the same Sync: one
 * ReadyForQuery and one round trip for both. postgres.js writes a connection's queries in order and
 * Postgres runs them in order; the head goes with whichever query is written first (a query whose
 * parameters fail to serialise is never written and leaves it to the next). If a head statement
 * fails, Postgres skips the rest up to the Sync, that query is rejected with the head's error and
 * the transaction block is aborted, so every later statement of the scope is refused (25P02):
 * nothing runs without the scope's role. `readOnly` scopes return without COMMIT (a read-only
 * COMMIT has nothing to report; see keepWarm for where it goes). Other scopes wait for COMMIT,
 * and a COMMIT that Postgres turned into ROLLBACK (a statement failed and the callback swallowed the
 * error) is an error, as with postgres.js's own begin(). Queries through the scope's handle after it
 * ended are refused (they would otherwise run in whatever transaction the connection serves next).
 */
export async function pipelinedScope<T>(
  orm: Orm,
  head: string[],
  readOnly: boolean,
  fn: (tx: Tx, commit: Commit) => Promise<T>,
): Promise<T> {
  const base = (orm as unknown as { _: { session: SessionParts } })._.session;
  const kept = warm.get(base.client)?.pop();
  const conn = kept ?? (await base.client.reserve());
  // A kept connection still holds the previous read-only scope's transaction: end it first.
  const prefix: Prefix = { statements: kept ? ["commit", ...head] : head, sent: false };
  let ended = false;
  let savepoints = 0;
  const client = {
    unsafe(
      text: string,
      params?: postgres.ParameterOrJSON<never>[],
      opts?: postgres.UnsafeQueryOptions,
    ) {
      if (ended) throw new ScopeEndedError();
      // skipDescribe (patched postgres.js): a query whose parameters are all scalars goes out
      // whole, without a round trip for its parameter types, and pipelines with the next.
      return conn.unsafe(text, params, {
        ...opts,
        prefix,
        skipDescribe: true,
      } as postgres.UnsafeQueryOptions);
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

  // commit(): COMMIT goes out at the end of this tick, behind every statement issued before then.
  let early: EarlyCommit | undefined;
  const commit: Commit = () => {
    if (ended) return Promise.reject(new ScopeEndedError());
    if (early) return early.done;
    const e: EarlyCommit = {
      done: new Promise<void>((resolve, reject) =>
        setImmediate(() => {
          if (ended) return resolve(); // the callback finished first: the normal path commits
          ended = true;
          const sent = conn.unsafe("commit").execute();
          e.sent = sent;
          // A ROLLBACK is not this promise's error: the statement that failed has its own, which is
          // what the callback should see (the scope still fails if the callback swallowed it).
          sent.then(() => resolve(), reject);
        }),
      ),
    };
    early = e;
    return e.done;
  };

  let result: T;
  try {
    result = await fn(tx, commit);
  } catch (e) {
    ended = true;
    if (early?.sent) await settleEarly(conn, early.sent);
    else if (prefix.sent) await finish(conn, "rollback").catch(() => {});
    else idle(base.client, conn, kept !== undefined);
    throw e;
  }
  ended = true;
  if (early?.sent) {
    const outcome = await settleEarly(conn, early.sent);
    if (outcome === "rolled back") throw rolledBack();
    if (outcome === "failed") throw new Error("the COMMIT did not complete");
    return result;
  }
  if (!prefix.sent) {
    idle(base.client, conn, kept !== undefined);
    return result;
  }
  if (readOnly) {
    keepWarm(base.client, conn);
    return result;
  }
  const done = await finish(conn, "commit");
  if (done.command === "ROLLBACK") throw rolledBack();
  return result;
}

/**
 * Sends COMMIT at the end of the current tick, in the same write as every statement the callback
 * issued before then (no round trip of its own), and resolves once it is done. If a statement
 * failed, Postgres answers ROLLBACK: that statement's own error is what the callback sees, and the
 * scope fails even if the callback swallowed it. Statements issued after the COMMIT went out are
 * refused (ScopeEndedError), so issue the transaction's last statements in the same tick, e.g.
 * `await Promise.all([insert, update, commit()])`, never after awaiting something else. In a
 * nested scope (joined transaction) and on PGlite it does nothing: the transaction commits when
 * its owner's callback returns.
 */
export type Commit = () => Promise<void>;

interface EarlyCommit {
  /** The COMMIT, once it went out. */
  sent?: Promise<postgres.RowList<postgres.Row[]>>;
  done: Promise<void>;
}

const rolledBack = () => new Error("the transaction was rolled back: a statement in it failed");

/** Waits for a COMMIT sent by commit() and gives the connection back. */
async function settleEarly(conn: Reserved, sent: Promise<postgres.RowList<postgres.Row[]>>) {
  try {
    const r = await sent;
    conn.release();
    return r.command === "ROLLBACK" ? "rolled back" : "committed";
  } catch (e) {
    if (!lost(e)) conn.release();
    return "failed";
  }
}

/** A scope that sent nothing: the connection is as it found it (a kept one still owes its COMMIT). */
function idle(client: postgres.Sql, conn: Reserved, owesCommit: boolean): void {
  if (owesCommit) keepWarm(client, conn);
  else conn.release();
}

/*
 * A read-only scope leaves its transaction open and the connection reserved until the end of the
 * current macrotask, newest first: a scope that starts before then (the next read of the same
 * request or loop) takes it and puts the COMMIT in front of its own head, so ending one scope and
 * opening the next cost nothing extra. What is left is committed and goes back to the pool (released
 * before its COMMIT is done, the pool could hand it a waiting query that postgres.js writes before
 * the COMMIT, inside the finished scope's transaction).
 */
const warm = new WeakMap<postgres.Sql, Reserved[]>();

function keepWarm(client: postgres.Sql, conn: Reserved): void {
  let list = warm.get(client);
  if (!list) {
    list = [];
    warm.set(client, list);
  }
  list.push(conn);
  if (list.length === 1) {
    const pending = list;
    setImmediate(() => {
      for (const c of pending.splice(0)) finish(c, "commit").catch(() => {});
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
