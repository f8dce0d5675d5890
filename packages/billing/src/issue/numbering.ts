import type { Tx } from "@zhengyun/db";
import { platformSchema as p } from "@zhengyun/db";
import { and, eq, sql } from "drizzle-orm";

export type Series = "INV" | "CN";

/** The year in Asia/Shanghai (UTC+8, no DST): a document issued on 1 January 00:30 local is next year's. */
export const shanghaiYear = (at: Date): number =>
  new Date(at.getTime() + 8 * 3600_000).getUTCFullYear();

/**
 * The next number of a gapless yearly series. The counter row is locked by the update until the
 * calling transaction ends: a concurrent issuer waits, and a rollback gives the number back, so
 * the issued numbers have no holes and no duplicates.
 */
export async function nextNumber(tx: Tx, series: Series, at: Date): Promise<string> {
  const year = shanghaiYear(at);
  await tx.insert(p.numberingCounters).values({ series, year, nextValue: 1 }).onConflictDoNothing();
  const [row] = await tx
    .update(p.numberingCounters)
    .set({ nextValue: sql`${p.numberingCounters.nextValue} + 1` })
    .where(and(eq(p.numberingCounters.series, series), eq(p.numberingCounters.year, year)))
    .returning({ value: sql<number>`${p.numberingCounters.nextValue} - 1` });
  if (!row) throw new Error(`numbering counter ${series}/${year} vanished`);
  return formatNumber(series, year, Number(row.value));
}

/** ZY-INV-2026-000042: series, Shanghai year, zero-padded sequence. */
export const formatNumber = (series: Series, year: number, n: number): string =>
  `ZY-${series}-${year}-${String(n).padStart(6, "0")}`;
