import { randomBytes } from "node:crypto";
import { type Database, openPostgres } from "@zhengyun/db";
import { openPglite, prepareDatabase } from "@zhengyun/db/node";
import postgres from "postgres";
import { type DriverName, testDatabaseUrl } from "./databases.ts";

/**
 * A migrated database of its own, for suites that act on *every* tenant (migrate --all) and so must
 * not see other suites' tenants on the shared test server: in-memory PGlite, or on Postgres a fresh
 * database (and runtime role) beside the test database, dropped by `drop()`. The 12-character name
 * keeps the derived role prefix unique to it.
 */
export async function openScratchDatabase(
  driver: DriverName,
): Promise<{ db: Database; url?: string; drop(): Promise<void> }> {
  if (driver === "pglite") {
    const db = await openPglite(undefined);
    await prepareDatabase(db);
    return { db, drop: () => db.close() };
  }
  const name = `zs${randomBytes(5).toString("hex")}`;
  const admin = postgres(testDatabaseUrl(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${name}`;
  const db = await openPostgres({ url: url.toString(), max: 10 });
  await prepareDatabase(db);
  return {
    db,
    url: url.toString(),
    async drop() {
      await db.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.unsafe(`drop role if exists ${db.runtimeRole}`);
      await admin.end({ timeout: 5 });
    },
  };
}
