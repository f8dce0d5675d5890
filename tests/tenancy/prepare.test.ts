import { randomBytes } from "node:crypto";
import { type Database, openPostgres, query } from "@zhengyun/db";
import { prepareDatabase } from "@zhengyun/db/node";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, testDatabaseUrl } from "../harness/index.ts";

/*
 * Servers, CLI runs and test files start together and each prepares the control plane first.
 * Concurrent GRANT/REVOKE on one object fail in Postgres ("tuple concurrently updated"), so the
 * preparation must take turns. PGlite has one connection: nothing to race there.
 */
describe.runIf(drivers().includes("postgres"))(
  "control-plane preparation by concurrent starters",
  () => {
    const name = `zs${randomBytes(5).toString("hex")}`;
    const admin = postgres(testDatabaseUrl(), { max: 1, onnotice: () => {} });
    const starters: Database[] = [];

    beforeAll(async () => {
      await admin.unsafe(`create database ${name}`);
      const url = new URL(testDatabaseUrl());
      url.pathname = `/${name}`;
      for (let i = 0; i < 8; i++)
        starters.push(await openPostgres({ url: url.toString(), max: 2 }));
    });
    afterAll(async () => {
      for (const db of starters) await db.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.unsafe(`drop role if exists ${(starters[0] as Database).runtimeRole}`);
      await admin.end({ timeout: 5 });
    });

    it("migrates a fresh database once and re-prepares a migrated one, all starters at once", async () => {
      const first = await Promise.all(starters.map((db) => prepareDatabase(db)));
      const applied = first.flat();
      expect(new Set(applied).size).toBe(applied.length); // no migration applied twice
      const db = starters[0] as Database;
      const [ledger] = await query<{ n: number }>(
        db.orm,
        sql`select count(*)::int as n from platform.schema_migrations`,
      );
      expect(ledger?.n).toBe(applied.length);
      for (let round = 0; round < 3; round++) {
        const again = await Promise.all(starters.map((s) => prepareDatabase(s)));
        expect(again.flat()).toEqual([]);
      }
      const [grant] = await query<{ ok: boolean }>(
        db.orm,
        sql`select has_schema_privilege(${db.runtimeRole}, 'platform', 'usage') as ok`,
      );
      expect(grant?.ok).toBe(true);
    });
  },
);
