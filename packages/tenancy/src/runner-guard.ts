import { ConflictError, PreconditionFailedError } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";

/** The slice of postgres.js this guard needs; typed here so tenancy does not depend on postgres. */
interface ReservableClient {
  options?: { max?: number };
  reserve(): Promise<{
    unsafe(query: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
    release(): void;
  }>;
}

const running = new WeakMap<Database, Set<string>>();

/**
 * Runs `fn` only if no other runner holds `name`, else throws ConflictError at once (never waits).
 *
 * In-process: a per-Database set. That is the whole guard on PGlite, which is single-process by
 * design (the runtime holds an exclusive lock on its data directory, and a CLI in another process
 * reaches it through the server), and whose single session would make advisory locks re-entrant.
 * On postgres.js, a session advisory lock on a reserved connection also keeps other processes out
 * without holding a transaction open for the whole run; the lock dies with the connection if the
 * process does.
 */
export async function withExclusiveRunner<T>(
  db: Database,
  name: string,
  fn: () => Promise<T>,
): Promise<T> {
  const held = running.get(db) ?? new Set<string>();
  running.set(db, held);
  if (held.has(name)) throw new ConflictError(`${name} is already running in this process`);
  held.add(name);
  try {
    if (db.driver !== "postgres") return await fn();
    const client = (db.orm as unknown as { $client: ReservableClient }).$client;
    // The reserved connection is held for the whole run; the work needs at least one more.
    if ((client.options?.max ?? 2) < 2) {
      throw new PreconditionFailedError(`${name} needs a connection pool of at least 2`);
    }
    const conn = await client.reserve();
    const key = `zhengyun:runner:${name}`;
    try {
      const [row] = await conn.unsafe("select pg_try_advisory_lock(hashtext($1)) as ok", [key]);
      if (row?.ok !== true) throw new ConflictError(`${name} is already running elsewhere`);
      try {
        return await fn();
      } finally {
        await conn.unsafe("select pg_advisory_unlock(hashtext($1))", [key]);
      }
    } finally {
      conn.release();
    }
  } finally {
    held.delete(name);
  }
}
