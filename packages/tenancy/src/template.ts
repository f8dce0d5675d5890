import {
  type Database,
  type Executor,
  ident,
  query,
  quoteIdent,
  tenantAppendOnly,
} from "@zhengyun/db";
import { loadMigrations, type Migration, runStatements } from "@zhengyun/db/node";
import { sql } from "drizzle-orm";
import type { TenantRef } from "./context.ts";

/**
 * Applies one template migration to one tenant's schema as the owner, in one transaction with its
 * ledger row. A per-tenant advisory lock and a ledger re-check make concurrent or repeated runs safe.
 * Returns false when another runner had already applied it.
 */
export function applyTemplateMigration(
  db: Database,
  tenant: TenantRef,
  m: Migration,
): Promise<boolean> {
  return db.orm.transaction((tx) => applyTemplateMigrationIn(tx, tenant, m));
}

/** The same inside a transaction the caller owns (provisioning applies the whole template in one). */
export async function applyTemplateMigrationIn(
  tx: Executor,
  tenant: TenantRef,
  m: Migration,
): Promise<boolean> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`zhengyun:tenant:${tenant.id}`}))`);
  const done = await query(
    tx,
    sql`select 1 from platform.tenant_migrations where tenant_id = ${tenant.id} and idx = ${m.idx}`,
  );
  if (done.length > 0) return false;
  // search_path for the template's unqualified names; zhengyun.tenant_role lets a hand-written
  // migration name the tenant's role through current_setting('zhengyun.tenant_role').
  await tx.execute(
    sql`select set_config('search_path', ${tenant.schemaName}, true), set_config('zhengyun.tenant_role', ${tenant.roleName}, true)`,
  );
  await runStatements(tx, m.statements);
  await hardenAppendOnly(tx, tenant);
  await tx.execute(sql`insert into platform.tenant_migrations (tenant_id, idx, tag)
    values (${tenant.id}, ${m.idx}, ${m.tag})`);
  // Leave the caller's transaction as it found it: later statements name platform tables qualified,
  // but a reset keeps a following migration or status update from resolving into the tenant schema.
  await tx.execute(sql`select set_config('search_path', 'public', true)`);
  return true;
}

async function hardenAppendOnly(tx: Executor, tenant: TenantRef): Promise<void> {
  for (const table of tenantAppendOnly) {
    const qualified = `${tenant.schemaName}.${table}`;
    const [row] = await query<{ oid: string | null }>(
      tx,
      sql`select to_regclass(${qualified}) as oid`,
    );
    if (row?.oid) {
      await tx.execute(
        sql`revoke update, delete, truncate on ${ident(tenant.schemaName)}.${ident(table)} from ${ident(tenant.roleName)}`,
      );
    }
  }
}

const literal = (v: string | number) => `'${String(v).replaceAll("'", "''")}'`;

/**
 * A tenant's pending template migrations (under its lock, after its ledger) inside the caller's
 * transaction (provisioning), with `prelude` statements (the schema and its grants) before them. On postgres.js it all goes to the
 * server as one simple-protocol query (statements, hardening, ledger rows): one round trip instead
 * of one per statement. Simple queries take no parameters, so values are inlined as literals; names
 * come from quoteIdent. PGlite's drizzle driver cannot run several statements in one query and
 * runs them in turn. A failing statement fails the query and the caller's transaction with it.
 */
export async function applyTemplateMigrationsIn(
  tx: Executor,
  tenant: TenantRef,
  opts: {
    batch: boolean;
    prelude: string[];
    upToIdx?: number | undefined;
    migrations?: readonly Migration[] | undefined;
  },
): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`zhengyun:tenant:${tenant.id}`}))`);
  const [row] = await query<{ max: number | null }>(
    tx,
    sql`select max(idx) as max from platform.tenant_migrations where tenant_id = ${tenant.id}`,
  );
  const migrations = pendingAfter(row?.max ?? -1, opts.upToIdx, opts.migrations);
  if (!opts.batch) {
    await runStatements(tx, opts.prelude);
    for (const m of migrations) await applyTemplateMigrationIn(tx, tenant, m);
    return;
  }
  const schema = quoteIdent(tenant.schemaName);
  const role = quoteIdent(tenant.roleName);
  const parts = [
    ...opts.prelude,
    `select set_config('search_path', ${literal(tenant.schemaName)}, true), set_config('zhengyun.tenant_role', ${literal(tenant.roleName)}, true)`,
    ...migrations.flatMap((m) => m.statements),
    ...tenantAppendOnly.map(
      (table) => `do $zy$ begin
        if to_regclass(${literal(`${schema}.${quoteIdent(table)}`)}) is not null then
          revoke update, delete, truncate on ${schema}.${quoteIdent(table)} from ${role};
        end if;
      end $zy$`,
    ),
  ];
  if (migrations.length > 0) {
    const rows = migrations.map((m) => `(${literal(tenant.id)}, ${m.idx}, ${literal(m.tag)})`);
    parts.push(
      `insert into platform.tenant_migrations (tenant_id, idx, tag) values ${rows.join(", ")}`,
    );
  }
  parts.push(`select set_config('search_path', 'public', true)`);
  // A newline before each semicolon: a statement may end in a -- comment.
  await tx.execute(sql.raw(parts.join("\n;\n")));
}

/**
 * Pending template migrations for a tenant whose ledger stops at `appliedUpTo` (-1: none).
 * `all` defaults to the committed template; tests pass extra migrations through it.
 */
export function pendingAfter(
  appliedUpTo: number,
  upTo = Number.POSITIVE_INFINITY,
  all: readonly Migration[] = loadMigrations("tenant"),
): Migration[] {
  return all.filter((m) => m.idx > appliedUpTo && m.idx <= upTo);
}

export async function appliedUpTo(db: Database, tenantId: string): Promise<number> {
  const [row] = await query<{ max: number | null }>(
    db.orm,
    sql`select max(idx) as max from platform.tenant_migrations where tenant_id = ${tenantId}`,
  );
  return row?.max ?? -1;
}
