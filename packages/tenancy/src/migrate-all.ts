import { type Database, query } from "@zhengyun/db";
import { loadMigrations, type Migration } from "@zhengyun/db/node";
import { sql } from "drizzle-orm";
import type { TenantRef } from "./context.ts";
import { withExclusiveRunner } from "./runner-guard.ts";
import { applyTemplateMigration, pendingAfter } from "./template.ts";

export interface MigrateAllOptions {
  /** Tenants migrated at once; default 4 on Postgres, 1 on PGlite (a single connection). */
  concurrency?: number;
  /** Called after each tenant that had work, whether it succeeded or failed. */
  onProgress?: (done: number, total: number, slug: string) => void;
  /** Replaces the committed template (tests inject extra migrations through it). */
  migrations?: readonly Migration[];
}

export interface MigrateAllResult {
  /** Tenants whose ledger was read (active and suspended ones). */
  checked: number;
  /** Slugs of tenants that had at least one migration applied by this run. */
  migrated: string[];
  failed: { slug: string; error: string }[];
  /** Migrations applied in total, over all tenants. */
  applied: number;
}

interface Behind extends TenantRef {
  appliedUpTo: number;
}

/**
 * The ledger, read once: every servable tenant with the highest template migration it has. Tenants
 * still provisioning are left out: provisioning (or an import, which loads rows at an older
 * template version before migrating) finishes their migrations itself.
 */
async function readLedger(db: Database, latest: number) {
  const rows = await query<{
    id: string;
    slug: string;
    schema_name: string;
    role_name: string;
    applied: number | null;
  }>(
    db.orm,
    sql`select t.id, t.slug, t.schema_name, t.role_name, m.applied
      from platform.tenants t
      left join (select tenant_id, max(idx) as applied from platform.tenant_migrations
                 group by tenant_id) m on m.tenant_id = t.id
      where t.status in ('active', 'suspended')
      order by t.slug`,
  );
  const behind: Behind[] = [];
  for (const r of rows) {
    const appliedUpTo = r.applied === null ? -1 : Number(r.applied);
    if (appliedUpTo < latest) {
      behind.push({
        id: r.id,
        slug: r.slug,
        schemaName: r.schema_name,
        roleName: r.role_name,
        appliedUpTo,
      });
    }
  }
  return { checked: rows.length, behind };
}

/** The database's own message when drizzle wrapped it ("Failed query: ..." hides the reason). */
function reasonOf(e: unknown): string {
  const cause = (e as { cause?: unknown }).cause;
  if (cause instanceof Error) return cause.message;
  return e instanceof Error ? e.message : String(e);
}

/**
 * `migrate --all`: brings every tenant's schema up to the template. One broken tenant does not stop
 * the others; the result names each failure. A run with nothing to do reads the ledger once and opens
 * no transaction. Throws ConflictError when another runner is already at work; even so, a migration
 * is never applied twice (applyTemplateMigration re-checks the ledger under a per-tenant lock).
 */
export async function migrateAllTenants(
  db: Database,
  opts: MigrateAllOptions = {},
): Promise<MigrateAllResult> {
  const all = opts.migrations ?? loadMigrations("tenant");
  const latest = all.at(-1)?.idx ?? -1;
  const first = await readLedger(db, latest);
  if (first.behind.length === 0) {
    return { checked: first.checked, migrated: [], failed: [], applied: 0 };
  }

  return withExclusiveRunner(db, "migrate-all-tenants", async () => {
    // Plan again under the guard: a runner that finished meanwhile may have done the work.
    const { checked, behind } = await readLedger(db, latest);
    const result: MigrateAllResult = { checked, migrated: [], failed: [], applied: 0 };
    const concurrency = Math.max(1, opts.concurrency ?? (db.driver === "postgres" ? 4 : 1));
    let next = 0;
    let done = 0;

    const worker = async () => {
      for (let t = behind[next++]; t; t = behind[next++]) {
        let applied = 0;
        try {
          for (const m of pendingAfter(t.appliedUpTo, undefined, all)) {
            if (await applyTemplateMigration(db, t, m)) applied++;
          }
        } catch (e) {
          result.failed.push({ slug: t.slug, error: reasonOf(e) });
        }
        if (applied > 0) result.migrated.push(t.slug);
        result.applied += applied;
        opts.onProgress?.(++done, behind.length, t.slug);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, behind.length) }, worker));
    result.migrated.sort();
    result.failed.sort((a, b) => a.slug.localeCompare(b.slug));
    return result;
  });
}
