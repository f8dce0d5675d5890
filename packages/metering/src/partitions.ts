import type { Database } from "@zhengyun/db";
import { withPlatform } from "@zhengyun/tenancy";
import { sql } from "drizzle-orm";

const known = new WeakMap<Database, Set<string>>();

/**
 * Makes sure a partition exists for every UTC month from `from` to `to` (epoch ms: a batch's
 * earliest and latest event), each in its own short transaction and before the ingest
 * transaction: CREATE TABLE ... PARTITION OF locks the parent, and doing it inside a batch that
 * already holds locks could deadlock with concurrent batches. A month between two of the batch's
 * events gets its partition too (they are pre-created for the late window anyway).
 */
export async function ensurePartitions(db: Database, from: number, to: number): Promise<void> {
  let set = known.get(db);
  if (!set) {
    set = new Set();
    known.set(db, set);
  }
  const last = new Date(to).toISOString().slice(0, 7);
  for (let d = new Date(from); ; d.setUTCMonth(d.getUTCMonth() + 1, 1)) {
    const month = d.toISOString().slice(0, 7);
    if (month > last) break;
    if (set.has(month)) continue;
    await withPlatform(db, (tx) =>
      tx.execute(
        sql`select platform.usage_ensure_partition(${`${month}-01T00:00:00Z`}::timestamptz)`,
      ),
    );
    set.add(month);
  }
}

/** Forgets what partitions exist (one was detached for archiving behind this process's back). */
export function forgetPartitions(db: Database): void {
  known.delete(db);
}
