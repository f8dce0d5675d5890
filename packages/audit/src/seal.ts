import type { Database } from "@zhengyun/db";
import { sql } from "drizzle-orm";
import {
  allTargets,
  type ChainTarget,
  canonical,
  hasChain,
  locate,
  readHead,
  rowColumns,
  selectRows,
} from "./chain.ts";
import { type AuditKey, linkHash } from "./key.ts";

export interface SealResult {
  chain: string;
  sealed: number;
  /** Set when this chain could not be sealed; the other chains are still sealed. */
  error?: string;
}

const BATCH = 500;

/*
 * The oldest transaction of this database that was in flight when the statement's snapshot was
 * taken: the snapshot's in-progress xids, minus those pg_stat_activity positively places in another
 * database (a chain lives in one database, so they cannot write to it). Matching is on the low 32
 * bits, which is exact among live transactions. When nothing is in flight, the snapshot's xmax.
 */
const cutoff = sql`(select coalesce(min(x), pg_snapshot_xmax(pg_current_snapshot()))
  from pg_snapshot_xip(pg_current_snapshot()) as x
  where not exists (select 1 from pg_stat_activity a
    where a.datname <> current_database() and a.backend_xid is not null
      and a.backend_xid::text::bigint = x::text::bigint % 4294967296))`;

/**
 * Links pending records of one chain, as the owner connection. Rows are taken in (xid, seq) order
 * and only when their transaction id is below every xid still in flight in this database: such a
 * transaction could still commit a row, and it will sort after what is sealed now; so nothing
 * sealed later can belong before what is sealed now, and chain order equals (xid, seq) order.
 * Positions are assigned here, not at insert time, so writers never wait on each other. The head
 * row lock serializes concurrent sealers. A visible row with an xid at or past the snapshot's xmax
 * cannot come from this cluster's transactions (an import carried it from another): it is sealed
 * rather than left waiting for the counter to get there.
 */
export async function sealChain(
  db: Database,
  target: ChainTarget,
  key: AuditKey,
): Promise<SealResult> {
  const loc = locate(target);
  let sealed = 0;
  for (;;) {
    const n = await db.orm.transaction(async (tx) => {
      const head = await readHead(tx, loc, true);
      if (!head) throw new Error(`audit chain head of ${loc.name} is missing`);
      // One statement: its snapshot both bounds the rows and shows them.
      const rows = await selectRows(
        tx,
        sql`select ${rowColumns} from ${loc.log}
          where chain_pos is null and (xid < ${cutoff} or xid >= pg_snapshot_xmax(pg_current_snapshot()))
          order by xid, seq limit ${BATCH}`,
      );
      if (rows.length === 0) return 0;
      let pos = head.lastPos;
      let prev = head.lastHash;
      const links = rows.map((row) => {
        pos += 1n;
        prev = linkHash(key, prev, canonical(row, pos));
        return sql`(${row.seq}::bigint, ${pos.toString()}::bigint, ${prev}::text)`;
      });
      await tx.execute(sql`update ${loc.log} as a
        set chain_pos = v.pos, hash = v.hash, sealed_at = now()
        from (values ${sql.join(links, sql`, `)}) as v(seq, pos, hash)
        where a.seq = v.seq`);
      await tx.execute(sql`update ${loc.head}
        set last_pos = ${pos.toString()}::bigint, last_hash = ${prev}, sealed_at = now()`);
      return rows.length;
    });
    sealed += n;
    if (n < BATCH) return { chain: loc.name, sealed };
  }
}

/**
 * Seals the vendor chain and every tenant's. A tenant whose schema lacks the chain (template not
 * yet migrated, or dropped meanwhile) is skipped; a failing chain is reported, not fatal.
 */
export async function sealAll(db: Database, key: AuditKey): Promise<SealResult[]> {
  const out: SealResult[] = [];
  for (const target of await allTargets(db)) {
    if (!(await hasChain(db, target))) continue;
    try {
      out.push(await sealChain(db, target, key));
    } catch (e) {
      if (!(await hasChain(db, target))) continue;
      out.push({ chain: locate(target).name, sealed: 0, error: (e as Error).message });
    }
  }
  return out;
}

/**
 * The background sealer: seals all chains every `intervalMs` (default 2 s), one pass at a time.
 * A record is sealed within about one interval after the last transaction that was already running
 * when it committed has ended.
 */
export function startSealer(
  db: Database,
  key: AuditKey,
  opts: { intervalMs?: number; onError?: (e: unknown) => void } = {},
): { stop(): Promise<void> } {
  const interval = opts.intervalMs ?? 2000;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = sealAll(db, key)
      .then((results) => {
        for (const r of results) if (r.error) opts.onError?.(new Error(`${r.chain}: ${r.error}`));
      })
      .catch((e) => opts.onError?.(e))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, interval);
      });
  };
  timer = setTimeout(tick, 0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
