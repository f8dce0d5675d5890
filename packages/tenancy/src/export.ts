import { ConflictError } from "@zhengyun/core";
import { type Database, type Executor, query, quoteIdent } from "@zhengyun/db";
import type { ObjectStore } from "@zhengyun/storage";
import { sql } from "drizzle-orm";
import {
  MANIFEST,
  type Manifest,
  objectEntry,
  packArchive,
  sha256,
  tableEntry,
} from "./archive.ts";
import type { TenantRef } from "./context.ts";
import { loadTenantForAdmin } from "./lifecycle.ts";
import { appliedUpTo } from "./template.ts";

export interface TenantExport {
  archive: Uint8Array;
  manifest: Manifest;
  sha256: string;
  bytes: number;
}

/** Column types that lose precision as JSON numbers: exported as strings. */
const AS_TEXT = new Set(["bigint", "numeric", "money"]);

/** Tables of a schema; a partitioned table stands for its partitions (rows go through the parent). */
export async function tablesOf(tx: Executor, schema: string): Promise<string[]> {
  const rows = await query<{ name: string }>(
    tx,
    sql`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = ${schema} and c.relkind in ('r', 'p') and not c.relispartition order by c.relname`,
  );
  return rows.map((r) => r.name);
}

export async function columnsOf(
  tx: Executor,
  schema: string,
  table: string,
): Promise<{ name: string; type: string; generated: boolean }[]> {
  const rows = await query<{ name: string; type: string; generated: string }>(
    tx,
    sql`select a.attname as name, a.atttypid::regtype::text as type, a.attgenerated as generated
      from pg_attribute a
      where a.attrelid = ${`${quoteIdent(schema)}.${quoteIdent(table)}`}::regclass
        and a.attnum > 0 and not a.attisdropped
      order by a.attnum`,
  );
  return rows.map((r) => ({ name: r.name, type: r.type, generated: r.generated !== "" }));
}

async function primaryKeyOf(tx: Executor, qualified: string): Promise<string[]> {
  const rows = await query<{ name: string }>(
    tx,
    sql`select a.attname as name from pg_index i
      join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
      where i.indrelid = ${qualified}::regclass and i.indisprimary
      order by array_position(i.indkey::int2[], a.attnum)`,
  );
  return rows.map((r) => r.name);
}

/** One table as JSON lines: bigint and numeric as strings, jsonb as JSON, timestamps ISO in UTC. */
async function dumpTable(tx: Executor, schema: string, table: string): Promise<string[]> {
  const qualified = `${quoteIdent(schema)}.${quoteIdent(table)}`;
  const list = (await columnsOf(tx, schema, table))
    .map((c) => {
      const q = quoteIdent(c.name);
      return AS_TEXT.has(c.type) ? `${q}::text as ${q}` : q;
    })
    .join(", ");
  const pk = await primaryKeyOf(tx, qualified);
  const order = pk.length > 0 ? ` order by ${pk.map(quoteIdent).join(", ")}` : "";
  const rows = await query<{ line: string }>(
    tx,
    sql.raw(
      `select row_to_json(x)::text as line from (select ${list} from ${qualified}${order}) x`,
    ),
  );
  return rows.map((r) => r.line);
}

/**
 * Every table of the tenant's schema as JSON lines, from one repeatable-read snapshot (the audit log
 * and its chain head must agree). Tables the tenant role may read are read under that role, as in
 * withTenant, so the archive holds exactly the tenant's view; owner-only bookkeeping the import needs
 * (the audit chain head) is read as the owner first, then the transaction drops to the tenant role.
 */
async function dumpSchema(db: Database, tenant: TenantRef) {
  return db.orm.transaction(
    async (tx) => {
      await tx.execute(sql`select set_config('TimeZone', 'UTC', true)`);
      const tables = await query<{ name: string; readable: boolean }>(
        tx,
        sql`select c.relname as name, has_table_privilege(${tenant.roleName}, c.oid, 'select') as readable
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = ${tenant.schemaName} and c.relkind in ('r', 'p') and not c.relispartition
          order by readable, c.relname`,
      );
      const out = new Map<string, string[]>();
      for (const t of tables.filter((x) => !x.readable)) {
        out.set(t.name, await dumpTable(tx, tenant.schemaName, t.name));
      }
      await tx.execute(
        sql`select set_config('search_path', ${tenant.schemaName}, true), set_config('role', ${tenant.roleName}, true)`,
      );
      for (const t of tables.filter((x) => x.readable)) {
        out.set(t.name, await dumpTable(tx, tenant.schemaName, t.name));
      }
      return [...out].sort(([a], [b]) => a.localeCompare(b));
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
}

/** Exports a tenant into one archive (see archive.ts): its tables, its objects, a manifest. */
export async function exportTenant(
  db: Database,
  storage: ObjectStore,
  slug: string,
  opts: { now?: Date } = {},
): Promise<TenantExport> {
  const tenant = await loadTenantForAdmin(db, slug);
  if (tenant.status === "provisioning") {
    throw new ConflictError(`Tenant "${slug}" is still provisioning`);
  }
  const now = opts.now ?? new Date();
  const files: { name: string; body: Uint8Array }[] = [];
  const encoder = new TextEncoder();

  const tables: Manifest["tables"] = [];
  for (const [name, lines] of await dumpSchema(db, tenant)) {
    files.push({
      name: tableEntry(name),
      body: encoder.encode(lines.map((l) => `${l}\n`).join("")),
    });
    tables.push({ name, rows: lines.length });
  }

  const objects: Manifest["objects"] = [];
  for await (const o of storage.list(tenant.id)) {
    const body = await storage.get(tenant.id, o.key);
    if (!body) continue; // deleted since it was listed
    files.push({ name: objectEntry(o.key), body });
    objects.push({ key: o.key, size: body.byteLength });
  }

  const manifest: Manifest = {
    format: "zhengyun-tenant-export",
    version: 1,
    tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, level: tenant.level },
    templateIdx: await appliedUpTo(db, tenant.id),
    createdAt: now.toISOString(),
    tables,
    objects,
    entries: Object.fromEntries(files.map((f) => [f.name, sha256(f.body)])),
  };
  files.unshift({ name: MANIFEST, body: encoder.encode(JSON.stringify(manifest, null, 2)) });
  const archive = await packArchive(files, now);
  return { archive, manifest, sha256: sha256(archive), bytes: archive.byteLength };
}
