import type { PageCtx } from "../page.ts";

/** The last `n` Asia/Shanghai dates up to today, oldest first (YYYY-MM-DD). */
export function lastDays(p: PageCtx, n: number): string[] {
  const now = (p.c.var.deps.clock ?? { now: () => new Date() }).now();
  const today = Date.parse(new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10));
  return Array.from({ length: n }, (_, i) =>
    new Date(today - (n - 1 - i) * 86_400_000).toISOString().slice(0, 10),
  );
}
