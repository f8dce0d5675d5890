import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { type Executor, lockPlatformDdl, type Orm, query } from "./database.ts";

export type MigrationSet = "platform" | "tenant";

export interface Migration {
  idx: number;
  tag: string;
  statements: string[];
}

const dirOf = (set: MigrationSet) => join(import.meta.dirname, "..", "migrations", set);
const cache = new Map<MigrationSet, Migration[]>();

/** The committed migrations of a set, in journal order, split at drizzle-kit's breakpoints. */
export function loadMigrations(set: MigrationSet): Migration[] {
  const hit = cache.get(set);
  if (hit) return hit;
  const journal = JSON.parse(readFileSync(join(dirOf(set), "meta", "_journal.json"), "utf8")) as {
    entries: { idx: number; tag: string }[];
  };
  const out = journal.entries.map((e) => {
    const text = readFileSync(join(dirOf(set), `${e.tag}.sql`), "utf8");
    if (set === "tenant" && text.includes('"public".')) {
      throw new Error(`template migration ${e.tag} names the public schema; run pnpm db:generate`);
    }
    const statements = text
      .split("--> statement-breakpoint")
      .map((s) => s.trim())
      .filter(Boolean);
    return { idx: e.idx, tag: e.tag, statements };
  });
  cache.set(set, out);
  return out;
}

export async function runStatements(tx: Executor, statements: string[]): Promise<void> {
  for (const s of statements) await tx.execute(sql.raw(s));
}

/**
 * Applies pending control-plane migrations, each in its own transaction with its ledger row.
 * Everything here runs under lockPlatformDdl, so concurrent starters (server, CLI, test files)
 * take turns.
 */
export async function migratePlatform(orm: Orm): Promise<string[]> {
  await orm.transaction(async (tx) => {
    await lockPlatformDdl(tx);
    await tx.execute(sql`create schema if not exists platform`);
    await tx.execute(sql`revoke all on schema platform from public`);
    await tx.execute(sql`create table if not exists platform.schema_migrations (
      idx integer primary key, tag text not null, applied_at timestamptz not null default now())`);
  });
  const applied: string[] = [];
  for (const m of loadMigrations("platform")) {
    const did = await orm.transaction(async (tx) => {
      await lockPlatformDdl(tx);
      const done = await query(
        tx,
        sql`select 1 from platform.schema_migrations where idx = ${m.idx}`,
      );
      if (done.length > 0) return false;
      await runStatements(tx, m.statements);
      await tx.execute(
        sql`insert into platform.schema_migrations (idx, tag) values (${m.idx}, ${m.tag})`,
      );
      return true;
    });
    if (did) applied.push(m.tag);
  }
  return applied;
}

export const latestTemplateIdx = (): number => {
  const all = loadMigrations("tenant");
  return all.length === 0 ? -1 : (all[all.length - 1] as Migration).idx;
};
