import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { currentDatabase, type Database, rolePrefixFor } from "./database.ts";

/**
 * Embedded Postgres (WASM) with a persistent data directory. Single-process: the caller must make
 * sure no other process opens the same directory (see apps/api's data-directory lock).
 */
export async function openPglite(dataDir: string | undefined): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const client = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
  const orm = drizzle({ client, casing: "snake_case" });
  const rolePrefix = rolePrefixFor(await currentDatabase(orm));
  return {
    orm,
    driver: "pglite",
    rolePrefix,
    runtimeRole: `${rolePrefix}runtime`,
    close: () => client.close(),
  };
}
