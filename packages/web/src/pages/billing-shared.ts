import type { PageCtx } from "../page.ts";

export const nowOf = (p: PageCtx) => (p.c.var.deps.clock ?? { now: () => new Date() }).now();

/** Who acts, for billing verbs' audit records. */
export const actorOf = (p: PageCtx) => ({
  actorId: p.principal?.id ?? null,
  actorRole: p.principal?.roles.join(",") ?? null,
  requestId: p.requestId,
});

/** The month before `period` ("2026-10" → "2026-09"). */
export function previousPeriod(period: string): string {
  const [y = 0, m = 1] = period.split("-").map(Number);
  const d = new Date(Date.UTC(y, m - 2, 1));
  return d.toISOString().slice(0, 7);
}

/** The last ended month in Asia/Shanghai: what finance bills next. */
export function defaultPeriod(p: PageCtx): string {
  return previousPeriod(new Date(nowOf(p).getTime() + 8 * 3_600_000).toISOString().slice(0, 7));
}
