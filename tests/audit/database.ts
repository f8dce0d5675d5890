import { randomBytes } from "node:crypto";
import { type Database, openPostgres } from "@zhengyun/db";
import { prepareDatabase } from "@zhengyun/db/node";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { type DriverName, openTestDatabase, testDatabaseUrl } from "../harness/index.ts";

/**
 * A database of its own for each audit suite. The vendor chain is one per database, and sealing
 * is keyed: a suite that seals with its test key must not meet another suite's sealer (or put its
 * links into another suite's chains) on the shared test server. PGlite is in-memory already.
 * `drop` removes the database and its runtime role; tenants are cleaned up before it.
 */
export async function openAuditDatabase(
  driver: DriverName,
  opts: { max?: number } = {},
): Promise<{ db: Database; drop(): Promise<void> }> {
  if (driver === "pglite") {
    const db = await openTestDatabase(driver);
    return { db, drop: () => db.close() };
  }
  const name = `au_${randomBytes(4).toString("hex")}`;
  const admin = postgres(testDatabaseUrl(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${name}`;
  const db = await openPostgres({ url: url.toString(), max: opts.max ?? 10 });
  await prepareDatabase(db);
  return {
    db,
    async drop() {
      await db.orm.execute(sql.raw(`drop owned by ${db.runtimeRole}`));
      await db.close();
      await admin.unsafe(`drop database ${name} with (force)`);
      await admin.unsafe(`drop role if exists ${db.runtimeRole}`);
      await admin.end({ timeout: 5 });
    },
  };
}
