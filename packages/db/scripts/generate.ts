/**
 * Generates migrations for the control plane and the tenant template with drizzle-kit, then makes
 * the template's SQL schema-neutral: drizzle-kit qualifies references with "public"., but the same
 * template must apply to any tenant schema through search_path.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const name = process.argv[2];
for (const target of ["platform", "tenant"]) {
  const args = ["drizzle-kit", "generate", `--config=drizzle.${target}.config.ts`];
  if (name) args.push(`--name=${name}`);
  execFileSync("pnpm", ["exec", ...args], { stdio: "inherit" });
}
const root = join(import.meta.dirname, "..", "migrations");
rewrite(join(root, "tenant"), (sql) => sql.replaceAll('"public".', ""));
// The runner creates the schema (and its ledger) before the first migration runs.
rewrite(join(root, "platform"), (sql) =>
  sql.replaceAll('CREATE SCHEMA "platform";', 'CREATE SCHEMA IF NOT EXISTS "platform";'),
);

function rewrite(dir: string, fn: (sql: string) => string): void {
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".sql"))) {
    const path = join(dir, file);
    const sql = readFileSync(path, "utf8");
    const out = fn(sql);
    if (out !== sql) writeFileSync(path, out);
  }
}
