import { join } from "node:path";
import type { Config } from "@zhengyun/core";
import type { Database } from "./database.ts";
import { ensureRuntimeRole } from "./grants.ts";
import { migratePlatform } from "./migrations.ts";
import { openPglite } from "./pglite.ts";
import { openPostgres } from "./postgres.ts";

export * from "./migrations.ts";
export { openPglite } from "./pglite.ts";

export function pgliteDir(cfg: Pick<Config, "DATA_DIR">): string {
  return join(cfg.DATA_DIR, "pglite");
}

/** postgres.js when DATABASE_URL is set, else the embedded PGlite under DATA_DIR. */
export async function openDatabase(
  cfg: Pick<Config, "DATABASE_URL" | "DATA_DIR" | "DB_POOL_MAX" | "DB_CONN_MAX_LIFETIME">,
): Promise<Database> {
  if (cfg.DATABASE_URL) {
    return openPostgres({
      url: cfg.DATABASE_URL,
      max: cfg.DB_POOL_MAX,
      maxLifetime: cfg.DB_CONN_MAX_LIFETIME,
    });
  }
  return openPglite(pgliteDir(cfg));
}

/** Control-plane migrations and the runtime role's grants: what the server and CLI do first. */
export async function prepareDatabase(db: Database): Promise<string[]> {
  const applied = await migratePlatform(db.orm);
  await ensureRuntimeRole(db);
  return applied;
}
