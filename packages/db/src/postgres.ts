import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { currentDatabase, type Database, rolePrefixFor } from "./database.ts";

export interface PostgresOptions {
  url: string;
  max?: number;
  /** Seconds; recycling connections bounds each backend's per-schema catalog cache. */
  maxLifetime?: number;
  idleTimeout?: number;
  /** Known role prefix (a Worker opening a client per request); skips the current_database() lookup. */
  rolePrefix?: string;
}

/** postgres.js driver. Runs on Node and on Workers (through Hyperdrive and cloudflare:sockets). */
export async function openPostgres(opts: PostgresOptions): Promise<Database> {
  const client = postgres(opts.url, {
    max: opts.max ?? 10,
    max_lifetime: opts.maxLifetime ?? 600,
    idle_timeout: opts.idleTimeout ?? 30,
    onnotice: () => {},
    // No session-level settings ever: everything tenant-specific is SET LOCAL inside a transaction.
    connection: { application_name: "zhengyun" },
  });
  const orm = drizzle({ client, casing: "snake_case" });
  const rolePrefix = opts.rolePrefix ?? rolePrefixFor(await currentDatabase(orm));
  return {
    orm,
    driver: "postgres",
    rolePrefix,
    runtimeRole: `${rolePrefix}runtime`,
    close: () => client.end({ timeout: 5 }),
  };
}
