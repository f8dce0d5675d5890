import { type AuditKey, type ChainTarget, sealChain, writeAudit } from "@zhengyun/audit";
import { type Database, query } from "@zhengyun/db";
import { type TenantRef, withTenant } from "@zhengyun/tenancy";
import { sql } from "drizzle-orm";

export const sha256Key: AuditKey = {
  secret: "test-audit-key-0123456789abcdef",
  algorithm: "sha256",
};
export const sm3Key: AuditKey = { secret: sha256Key.secret, algorithm: "sm3" };

/** Appends `n` records to a tenant's log, one transaction each; returns their ids in order. */
export async function writeRecords(
  db: Database,
  t: TenantRef,
  n: number,
  extra: { at?: Date; actorId?: string; action?: string } = {},
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    ids.push(
      await withTenant(db, t, (tx) =>
        writeAudit(tx, {
          action: extra.action ?? "case.update",
          actorId: extra.actorId ?? "usr_test",
          actorRole: "case_officer",
          tenantId: t.id,
          objectType: "case",
          objectId: `case-${i}`,
          data: { step: i, note: "审核通过" },
          ...(extra.at ? { at: extra.at } : {}),
        }),
      ),
    );
  }
  return ids;
}

export interface SealedRow {
  id: string;
  pos: number | null;
  hash: string | null;
}

/** The tenant's log as the owner sees it, in chain order (unsealed rows last). */
export async function chainRows(db: Database, t: TenantRef): Promise<SealedRow[]> {
  const rows = await query<{ id: string; pos: string | null; hash: string | null }>(
    db.orm,
    sql.raw(
      `select id, chain_pos::text as pos, hash from ${t.schemaName}.audit_log order by chain_pos nulls last, seq`,
    ),
  );
  return rows.map((r) => ({ id: r.id, pos: r.pos == null ? null : Number(r.pos), hash: r.hash }));
}

/**
 * Seals until no record of the chain is pending. On a shared Postgres another suite's open
 * transaction can hold sealing back for a moment (by design), so one pass is not always enough.
 */
export async function settle(
  db: Database,
  target: ChainTarget,
  k: AuditKey = sha256Key,
): Promise<number> {
  const schema = target === "vendor" ? "platform" : target.schemaName;
  let sealed = 0;
  for (let attempt = 0; attempt < 600; attempt++) {
    sealed += (await sealChain(db, target, k)).sealed;
    const [row] = await query<{ n: string }>(
      db.orm,
      sql.raw(`select count(*)::text as n from ${schema}.audit_log where chain_pos is null`),
    );
    if (row?.n === "0") return sealed;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`records of ${schema} stayed unsealed`);
}
