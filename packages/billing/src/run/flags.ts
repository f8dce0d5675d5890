import { cmp, mul, ratio } from "../money.ts";
import type { DraftLine } from "./compute.ts";
import type { RunInputs } from "./load.ts";

export interface Flag {
  code: "total_change" | "usage_spike" | "modules_added" | "modules_removed" | "late_events";
  detail: string;
}

/**
 * Anomalies for finance's review: total changed more than 30% from the previous period's invoice,
 * a meter more than doubled from last month, modules added or removed, late usage events.
 */
export function anomalyFlags(
  inp: RunInputs,
  tenantId: string,
  lines: DraftLine[],
  totalFen: number,
  late: number,
): Flag[] {
  const flags: Flag[] = [];
  const prevTotal = inp.previousTotals.get(tenantId);
  if (
    prevTotal !== undefined &&
    prevTotal > 0 &&
    Math.abs(totalFen - prevTotal) * 10 > prevTotal * 3
  ) {
    flags.push({ code: "total_change", detail: `total ${prevTotal} → ${totalFen} fen` });
  }
  const prevUsage = inp.previousUsage.get(tenantId);
  for (const [meter, u] of inp.usage.get(tenantId) ?? []) {
    const before = prevUsage?.get(meter)?.quantity;
    if (before && before.num > 0n && cmp(u.quantity, mul(before, ratio(2))) > 0) {
      flags.push({ code: "usage_spike", detail: `${meter} more than doubled from last month` });
    }
  }
  const now = new Set(
    lines.filter((l) => l.kind === "rental" && l.module).map((l) => l.module as string),
  );
  const before = inp.previousModules.get(tenantId) ?? new Set<string>();
  const added = [...now].filter((m) => !before.has(m)).sort();
  const removed = [...before].filter((m) => !now.has(m)).sort();
  if (added.length) flags.push({ code: "modules_added", detail: added.join(", ") });
  if (removed.length) flags.push({ code: "modules_removed", detail: removed.join(", ") });
  if (late > 0)
    flags.push({
      code: "late_events",
      detail: `${late} usage events arrived after the period was invoiced`,
    });
  return flags;
}
