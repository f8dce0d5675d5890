import type { Database } from "@zhengyun/db";
import { withPlatform } from "@zhengyun/tenancy";
import { sql } from "drizzle-orm";

const known = new WeakMap<Database, Set<string>>();

/** UTC month (YYYY-MM) of an instant: raw events are partitioned by UTC month of occurred_at. */
export const partitionMonth = (at: Date): string => at.toISOString().slice(0, 7);

/**
 * Makes sure a partition exists for each month, each in its own short transaction and before the
 * ingest transaction: CREATE TABLE ... PARTITION OF locks the parent, and doing it inside a batch
 * that already holds locks could deadlock with concurrent batches.
 */
export async function ensurePartitions(db: Database, instants: Iterable<Date>): Promise<void> {
  let set = known.get(db);
  if (!set) {
    set = new Set();
    known.set(db, set);
  }
  for (const at of instants) {
    const month = partitionMonth(at);
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
