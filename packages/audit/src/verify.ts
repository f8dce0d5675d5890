import { type Database, query } from "@zhengyun/db";
import { sql } from "drizzle-orm";
import {
  allTargets,
  type ChainLocation,
  type ChainRow,
  type ChainTarget,
  canonical,
  hasChain,
  locate,
  readHead,
  rowColumns,
  selectRows,
  tenantTarget,
} from "./chain.ts";
import { type AuditKey, linkHash } from "./key.ts";
import { sealChain } from "./seal.ts";

export type BreakReason = "modified" | "deleted" | "inserted out of order";

export interface BrokenLink {
  chain: string;
  /** The chain position where the chain stops holding. */
  position: number;
  /** The record found at that position; for a deleted one, the next record present (if any). */
  recordId: string | null;
  reason: BreakReason;
  detail: string;
}

/** `pending`: records not sealed yet (their transaction's predecessors are still in flight). */
export type ChainReport =
  | { chain: string; ok: true; records: number; lastPosition: number; pending: number }
  | { chain: string; ok: false; records: number; broken: BrokenLink };

const PAGE = 1000;

/**
 * Seals pending records, then checks each chain (all of them without `tenant`, else that tenant's
 * only) from its purge anchor to its head. Reports per chain ok or its first broken link.
 */
export async function verifyChains(
  db: Database,
  key: AuditKey,
  opts: { tenant?: string } = {},
): Promise<ChainReport[]> {
  const targets = opts.tenant ? [await tenantTarget(db, opts.tenant)] : await allTargets(db);
  const reports: ChainReport[] = [];
  for (const target of targets) {
    // A tenant being dropped meanwhile (or not yet migrated) has no chain to verify.
    if (!opts.tenant && !(await hasChain(db, target))) continue;
    try {
      await sealChain(db, target, key);
      reports.push(await verifyChain(db, target, key));
    } catch (e) {
      if (!opts.tenant && !(await hasChain(db, target))) continue;
      throw e;
    }
  }
  return reports;
}

export async function verifyChain(
  db: Database,
  target: ChainTarget,
  key: AuditKey,
): Promise<ChainReport> {
  const loc = locate(target);
  const head = await readHead(db.orm, loc);
  const chain = loc.name;
  if (!head) {
    const broken = { chain, position: 0, recordId: null, detail: "chain head row is missing" };
    return { chain, ok: false, records: 0, broken: { ...broken, reason: "deleted" } };
  }
  let records = 0;
  let expected = head.anchorPos + 1n;
  let prev = head.anchorHash;
  const fail = (pos: bigint, row: ChainRow | null, reason: BreakReason, detail: string) =>
    ({
      chain,
      ok: false,
      records,
      broken: { chain, position: Number(pos), recordId: row?.id ?? null, reason, detail },
    }) as const;

  // A row whose link fails is judged by its successor: if that one chains from the stored hash,
  // only this row's content changed; otherwise the row does not belong at this position.
  let suspect: ChainRow | null = null;
  const judge = (s: ChainRow, chainsOn: boolean) =>
    chainsOn
      ? fail(expected, s, "modified", "content does not match its hash")
      : fail(expected, s, "inserted out of order", "record does not belong at this position");

  for await (const row of sealedRows(db, loc)) {
    const pos = row.pos as bigint;
    if (suspect) {
      const next = pos === expected + 1n && linkHash(key, suspect.hash ?? "", canonical(row, pos));
      return judge(suspect, next === row.hash);
    }
    if (pos <= head.anchorPos)
      return fail(pos, row, "inserted out of order", "record at a purged position");
    if (pos > expected)
      return fail(expected, row, "deleted", `position ${expected} is missing before ${row.id}`);
    if (linkHash(key, prev, canonical(row, pos)) !== row.hash) {
      suspect = row;
      continue;
    }
    prev = row.hash as string;
    expected += 1n;
    records++;
  }
  if (suspect) return judge(suspect, head.lastPos === expected && head.lastHash === suspect.hash);
  if (head.lastPos >= expected)
    return fail(expected, null, "deleted", `the chain head is at ${head.lastPos}`);
  if (head.lastHash !== prev)
    return fail(head.lastPos, null, "modified", "the chain head does not match the last record");
  const [p] = await query<{ n: string }>(
    db.orm,
    sql`select count(*)::text as n from ${loc.log} where chain_pos is null`,
  );
  return { chain, ok: true, records, lastPosition: Number(head.lastPos), pending: Number(p?.n) };
}

async function* sealedRows(db: Database, loc: ChainLocation): AsyncGenerator<ChainRow> {
  let after = -1n;
  for (;;) {
    const page = await selectRows(
      db.orm,
      sql`select ${rowColumns} from ${loc.log}
        where chain_pos > ${after.toString()}::bigint order by chain_pos limit ${PAGE}`,
    );
    yield* page;
    if (page.length < PAGE) return;
    after = (page[page.length - 1] as ChainRow).pos as bigint;
  }
}

/** `audit verify` for the CLI: prints each chain and the first broken link; 1 when any is broken. */
export async function runAuditVerify(
  db: Database,
  key: AuditKey,
  opts: { tenant?: string },
  out: { write(chunk: string): unknown },
): Promise<number> {
  const reports = await verifyChains(db, key, opts);
  let broken = 0;
  for (const r of reports) {
    if (r.ok) {
      const pending = r.pending > 0 ? `, ${r.pending} not sealed yet` : "";
      out.write(`ok      ${r.chain}: ${r.records} records, head at ${r.lastPosition}${pending}\n`);
      continue;
    }
    broken++;
    const b = r.broken;
    out.write(
      `BROKEN  ${b.chain}: position ${b.position}, record ${b.recordId ?? "-"}: ${b.reason} (${b.detail})\n`,
    );
  }
  out.write(`${reports.length} chains checked, ${broken} broken\n`);
  return broken > 0 ? 1 : 0;
}
