import { PreconditionFailedError, ValidationError } from "@zhengyun/core";
import { type Database, query } from "@zhengyun/db";
import { sql } from "drizzle-orm";
import { type ChainTarget, locate, readHead } from "./chain.ts";
import type { AuditKey } from "./key.ts";
import { writeAudit } from "./record.ts";
import { sealChain } from "./seal.ts";
import { verifyChain } from "./verify.ts";

/** Audit records are kept at least this long (等保 2.0 asks for six months). */
export const RETENTION_DAYS = 180;
const DAY_MS = 86_400_000;

export interface PurgeResult {
  purged: number;
  /** The chain now starts after this position; its hash is stored as the chain's anchor. */
  anchorPosition: number;
  recordId: string;
}

/**
 * Deletes the oldest sealed records of one chain, up to the first record at or after `before`,
 * as the owner. Refuses a `before` within the retention period and a chain that does not verify
 * (purging would launder the tampering). The position and hash of the last purged record become
 * the chain's anchor, from which verification starts, and the purge is itself an audit record.
 */
export async function purgeAudit(
  db: Database,
  target: ChainTarget,
  key: AuditKey,
  opts: {
    before: Date;
    now?: Date;
    actorId?: string;
    actorRole?: string;
    requestId?: string;
    ip?: string;
    userAgent?: string;
  },
): Promise<PurgeResult> {
  const now = opts.now ?? new Date();
  const limit = new Date(now.getTime() - RETENTION_DAYS * DAY_MS);
  if (!(opts.before instanceof Date) || Number.isNaN(opts.before.getTime()))
    throw new ValidationError("before must be a valid date");
  if (opts.before > limit)
    throw new ValidationError(
      `audit records are kept ${RETENTION_DAYS} days: before must be at or earlier than ${limit.toISOString()}`,
    );
  await sealChain(db, target, key);
  const report = await verifyChain(db, target, key);
  if (!report.ok)
    throw new PreconditionFailedError(
      `the ${report.chain} audit chain is broken at position ${report.broken.position}; not purging`,
    );

  const loc = locate(target);
  return db.orm.transaction(async (tx) => {
    const head = await readHead(tx, loc, true);
    if (!head) throw new Error(`audit chain head of ${loc.name} is missing`);
    const [cut] = await query<{ pos: string | null }>(
      tx,
      sql`select (min(chain_pos) - 1)::text as pos from ${loc.log}
        where chain_pos > ${head.anchorPos.toString()}::bigint and at >= ${opts.before.toISOString()}::timestamptz`,
    );
    const upTo = cut?.pos == null ? head.lastPos : BigInt(cut.pos);
    let purged = 0;
    let anchorHash = head.anchorHash;
    if (upTo > head.anchorPos) {
      const [last] = await query<{ hash: string }>(
        tx,
        sql`select hash from ${loc.log} where chain_pos = ${upTo.toString()}::bigint`,
      );
      anchorHash = last?.hash ?? "";
      const gone = await query(
        tx,
        sql`delete from ${loc.log} where chain_pos <= ${upTo.toString()}::bigint returning 1`,
      );
      purged = gone.length;
      await tx.execute(sql`update ${loc.head}
        set anchor_pos = ${upTo.toString()}::bigint, anchor_hash = ${anchorHash}, purged_at = now()`);
    }
    // The record goes into the purged chain itself, through the same search_path writers use.
    await tx.execute(sql`select set_config('search_path', ${loc.schema}, true)`);
    const recordId = await writeAudit(tx, {
      action: "audit.purge",
      actorId: opts.actorId ?? null,
      actorRole: opts.actorRole ?? null,
      tenantId: target === "vendor" ? null : target.id,
      objectType: "audit_log",
      requestId: opts.requestId ?? null,
      ip: opts.ip ?? null,
      userAgent: opts.userAgent ?? null,
      data: {
        before: opts.before.toISOString(),
        purged,
        anchorPosition: upTo > head.anchorPos ? upTo.toString() : head.anchorPos.toString(),
        anchorHash,
      },
    });
    return {
      purged,
      anchorPosition: Number(upTo > head.anchorPos ? upTo : head.anchorPos),
      recordId,
    };
  });
}
