import { NotFoundError } from "@zhengyun/core";
import { type Database, type Executor, ident, platformSchema, query } from "@zhengyun/db";
import type { TenantRef } from "@zhengyun/tenancy";
import { inArray, type SQL, sql } from "drizzle-orm";

/** A chain: the vendor's (platform.audit_log) or one tenant's (audit_log in its schema). */
export type ChainTarget = "vendor" | TenantRef;

export interface ChainLocation {
  /** `vendor` or the tenant's slug: what reports print. */
  name: string;
  schema: string;
  log: SQL;
  head: SQL;
}

export function locate(target: ChainTarget): ChainLocation {
  const schema = target === "vendor" ? "platform" : target.schemaName;
  return {
    name: target === "vendor" ? "vendor" : target.slug,
    schema,
    log: sql`${ident(schema)}.audit_log`,
    head: sql`${ident(schema)}.audit_chain`,
  };
}

/** A sealed or pending row as the chain sees it: every hashed field as text, exactly as stored. */
export interface ChainRow {
  seq: string;
  id: string;
  pos: bigint | null;
  hash: string | null;
  fields: (string | null)[];
}

/*
 * `at` is printed to the microsecond in UTC and `data` as jsonb's own text (keys in jsonb order,
 * numbers as stored), so the serialization does not depend on the driver or on JS number limits.
 */
export const rowColumns = sql`seq::text as seq, id, chain_pos::text as pos, hash,
  to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at, actor_id, actor_role,
  tenant_id, action, object_type, object_id, result, ip, user_agent, request_id, data::text as data`;

type RawRow = Record<string, string | null>;
const HASHED = [
  "at",
  "actor_id",
  "actor_role",
  "tenant_id",
  "action",
  "object_type",
  "object_id",
  "result",
  "ip",
  "user_agent",
  "request_id",
  "data",
];

export async function selectRows(exec: Executor, q: SQL): Promise<ChainRow[]> {
  const raw = await query<RawRow>(exec, q);
  return raw.map((r) => ({
    seq: String(r.seq),
    id: String(r.id),
    pos: r.pos == null ? null : BigInt(r.pos),
    hash: r.hash ?? null,
    fields: HASHED.map((k) => r[k] ?? null),
  }));
}

/** The record's canonical form, including the chain position it is sealed at. */
export function canonical(row: ChainRow, pos: bigint): string {
  return JSON.stringify([pos.toString(), row.id, ...row.fields]);
}

export interface ChainHead {
  lastPos: bigint;
  lastHash: string;
  anchorPos: bigint;
  anchorHash: string;
}

export async function readHead(
  exec: Executor,
  loc: ChainLocation,
  forUpdate = false,
): Promise<ChainHead | undefined> {
  const [h] = await query<Record<string, string>>(
    exec,
    sql`select last_pos::text as last_pos, last_hash, anchor_pos::text as anchor_pos, anchor_hash
      from ${loc.head} ${forUpdate ? sql`for update` : sql``}`,
  );
  if (!h) return undefined;
  return {
    lastPos: BigInt(String(h.last_pos)),
    lastHash: String(h.last_hash),
    anchorPos: BigInt(String(h.anchor_pos)),
    anchorHash: String(h.anchor_hash),
  };
}

/** Whether a tenant's schema carries the chain (its template is migrated and it was not dropped). */
export async function hasChain(db: Database, target: ChainTarget): Promise<boolean> {
  const loc = locate(target);
  const [row] = await query<{ oid: string | null }>(
    db.orm,
    sql`select to_regclass(${`${loc.schema}.audit_chain`})::text as oid`,
  );
  return row?.oid != null;
}

/** The vendor chain and every tenant that may hold records (not offboarded, not half-built). */
export async function allTargets(db: Database): Promise<ChainTarget[]> {
  const { tenants } = platformSchema;
  const rows = await db.orm
    .select()
    .from(tenants)
    .where(inArray(tenants.status, ["active", "suspended"]))
    .orderBy(tenants.slug);
  return ["vendor", ...rows];
}

export async function tenantTarget(db: Database, slug: string): Promise<ChainTarget> {
  const { tenants } = platformSchema;
  const [t] = await db.orm.select().from(tenants).where(sql`${tenants.slug} = ${slug}`);
  if (!t || t.status === "offboarded") throw new NotFoundError(`No tenant "${slug}"`);
  return t;
}
