import { type Database, query } from "@zhengyun/db";
import { sql } from "drizzle-orm";

/** Platform totals per meter for one tenant's relayed outbox events, and the count of rows. */
export async function platformTotals(
  db: Database,
  tenantId: string,
): Promise<{ rows: number; byMeter: Record<string, number> }> {
  const found = await query<{ meter: string; n: string | number; total: string }>(
    db.orm,
    sql`select meter, count(*) as n, sum(quantity)::text as total from platform.usage_events
        where tenant_id = ${tenantId} and source = 'outbox' group by meter`,
  );
  const byMeter: Record<string, number> = {};
  let rows = 0;
  for (const r of found) {
    byMeter[r.meter] = Number(r.total);
    rows += Number(r.n);
  }
  return { rows, byMeter };
}

/** Polls until `check` returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
