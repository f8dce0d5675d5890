import type { Database } from "@zhengyun/db";
import { openPostgres } from "@zhengyun/db";
import { openPglite, prepareDatabase } from "@zhengyun/db/node";
import { ensureMeters } from "@zhengyun/metering";

export type DriverName = "pglite" | "postgres";

/** Drivers the suites run on: PGlite always; real Postgres when TEST_DATABASE_URL is given. */
export function drivers(): DriverName[] {
  return process.env.TEST_DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];
}

export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error("TEST_DATABASE_URL is not set");
  return url;
}

/** A migrated database on the given driver: PGlite in memory, or the test Postgres. */
export async function openTestDatabase(
  driver: DriverName,
  opts: { max?: number } = {},
): Promise<Database> {
  const db =
    driver === "pglite"
      ? await openPglite(undefined)
      : await openPostgres({ url: testDatabaseUrl(), max: opts.max ?? 10 });
  await prepareDatabase(db);
  await ensureMeters(db);
  return db;
}
