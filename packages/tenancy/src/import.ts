import { ConflictError, newId, ValidationError } from "@zhengyun/core";
import {
  type Database,
  type Executor,
  ident,
  platformSchema,
  query,
  quoteIdent,
} from "@zhengyun/db";
import { loadMigrations, type Migration } from "@zhengyun/db/node";
import type { ObjectStore } from "@zhengyun/storage";
import { eq, sql } from "drizzle-orm";
import { type OpenedArchive, openArchive } from "./archive.ts";
import type { TenantRef } from "./context.ts";
import { dropTenantSchemaAndRole } from "./destroy.ts";
import { columnsOf, tablesOf } from "./export.ts";
import { roleNameFor, schemaNameFor } from "./names.ts";
import { provisionTenant, type Tenant } from "./provision.ts";

const { tenants } = platformSchema;
const BATCH = 500;

/** Loads every table's rows as the owner, then moves each owned sequence past its column's max. */
async function loadRows(tx: Executor, schema: string, opened: OpenedArchive): Promise<void> {
  await tx.execute(sql`select set_config('search_path', ${schema}, true)`);
  const present = new Set(await tablesOf(tx, schema));
  for (const t of opened.manifest.tables) {
    if (!present.has(t.name)) {
      throw new ValidationError(`archive table ${t.name} is not in the tenant template`);
    }
    const table = `${quoteIdent(schema)}.${quoteIdent(t.name)}`;
    const cols = (await columnsOf(tx, schema, t.name))
      .filter((c) => !c.generated)
      .map((c) => quoteIdent(c.name))
      .join(", ");
    // The archive is the whole truth for its tables: rows a migration seeded (the audit chain
    // head) are replaced by the exported ones.
    await tx.execute(sql.raw(`delete from ${table}`));
    const lines = opened.tables.get(t.name) ?? [];
    for (let i = 0; i < lines.length; i += BATCH) {
      const json = `[${lines.slice(i, i + BATCH).join(",")}]`;
      await tx.execute(
        sql`insert into ${sql.raw(table)} (${sql.raw(cols)}) overriding system value
          select ${sql.raw(cols)} from json_populate_recordset(null::${sql.raw(table)}, ${json}::json)`,
      );
    }
  }
  const owned = await query<{ seq: string; tbl: string; col: string }>(
    tx,
    sql`select s.relname as seq, t.relname as tbl, a.attname as col
      from pg_class s
      join pg_namespace n on n.oid = s.relnamespace
      join pg_depend d on d.objid = s.oid and d.deptype in ('a', 'i')
      join pg_class t on t.oid = d.refobjid
      join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
      where s.relkind = 'S' and n.nspname = ${schema}`,
  );
  for (const o of owned) {
    // is_called = true: the next value is max + 1. Empty tables keep their fresh sequence.
    await tx.execute(sql`select setval(${`${quoteIdent(schema)}.${quoteIdent(o.seq)}`}::regclass, m)
      from (select max(${ident(o.col)}) as m from ${ident(schema)}.${ident(o.tbl)}) x
      where m is not null`);
  }
}

/**
 * Restores an export into a new tenant `slug`: checks the archive first (checksums, manifest), claims
 * the slug, provisions the schema at the archive's template version without activating it, loads the
 * rows and objects, then applies newer template migrations and activates. On any failure after the
 * slug was claimed, everything made so far is removed again, so nothing is left half-made.
 */
export async function importTenant(
  db: Database,
  storage: ObjectStore,
  archive: Uint8Array,
  opts: { slug: string; name?: string; migrations?: readonly Migration[] },
): Promise<Tenant> {
  const schemaName = schemaNameFor(opts.slug); // validates the slug
  const opened = await openArchive(archive);
  const { manifest } = opened;
  const all = opts.migrations ?? loadMigrations("tenant");
  if (!all.some((m) => m.idx === manifest.templateIdx)) {
    throw new ValidationError(
      `archive is at template migration ${manifest.templateIdx}, which this version does not know`,
    );
  }
  const input = {
    slug: opts.slug,
    name: opts.name ?? manifest.tenant.name,
    level: manifest.tenant.level,
  };

  // Claiming the row first makes two imports into one slug race safely: one of them gets nothing.
  const [claimed] = await db.orm
    .insert(tenants)
    .values({
      id: newId("ten"),
      ...input,
      schemaName,
      roleName: roleNameFor(db.rolePrefix, opts.slug),
    })
    .onConflictDoNothing()
    .returning();
  if (!claimed) throw new ConflictError(`slug "${opts.slug}" is already taken`);

  try {
    await provisionTenant(db, input, {
      upToIdx: manifest.templateIdx,
      activate: false,
      migrations: all,
    });
    await db.orm.transaction((tx) => loadRows(tx, schemaName, opened));
    for (const [key, body] of opened.objects) await storage.put(claimed.id, key, body);
    return await provisionTenant(db, input, { migrations: all });
  } catch (e) {
    await undoImport(db, storage, claimed);
    throw e;
  }
}

async function undoImport(db: Database, storage: ObjectStore, t: TenantRef): Promise<void> {
  await dropTenantSchemaAndRole(db, t);
  await storage.deletePrefix(t.id);
  await db.orm.delete(tenants).where(eq(tenants.id, t.id));
}
