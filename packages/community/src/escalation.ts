import { writeAudit } from "@zhengyun/audit";
import type { Clock } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import { type TenantRef, withTenant } from "@zhengyun/tenancy";
import { and, asc, eq, inArray, isNull, lte, notInArray } from "drizzle-orm";
import { slaDeadline } from "./calendar.ts";
import { allCentres } from "./centres.ts";
import { addUpdate } from "./requests.ts";
import { csRequests, csServices } from "./schema.ts";

/** A pass handles at most this many overdue requests; the job runs again soon after. */
const BATCH = 500;

/**
 * Supervision (督办): every open request past its deadline moves to the parent of its centre with
 * a fresh SLA from now, so it rises one level per missed deadline until the top centre holds it.
 * Requests already at the top stay there (they remain overdue in its queue). Returns how many moved.
 */
export async function escalateOverdue(
  db: Database,
  tenant: TenantRef,
  clock: Clock,
): Promise<number> {
  return withTenant(db, tenant, async (tx) => {
    const now = clock.now();
    const centres = await allCentres(tx);
    const byId = new Map(centres.map((c) => [c.id, c]));
    const tops = centres.filter((c) => c.parentId === null).map((c) => c.id);
    const overdue = await tx
      .select()
      .from(csRequests)
      .where(
        and(
          inArray(csRequests.state, ["received", "dispatched", "in_progress"]),
          lte(csRequests.dueAt, now),
          isNull(csRequests.mergedInto),
          tops.length > 0 ? notInArray(csRequests.centreId, tops) : undefined,
        ),
      )
      .orderBy(asc(csRequests.dueAt))
      .limit(BATCH)
      .for("update", { skipLocked: true });
    if (overdue.length === 0) return 0;
    const services = new Map((await tx.select().from(csServices)).map((s) => [s.code, s]));
    let moved = 0;
    for (const r of overdue) {
      const from = byId.get(r.centreId);
      const to = from?.parentId ? byId.get(from.parentId) : undefined;
      const service = services.get(r.serviceCode);
      if (!from || !to || !service) continue;
      const dueAt = slaDeadline(now, service.slaUnit, service.slaAmount);
      await tx
        .update(csRequests)
        .set({ centreId: to.id, escalations: r.escalations + 1, dueAt, updatedAt: now })
        .where(eq(csRequests.id, r.id));
      await addUpdate(tx, {
        requestId: r.id,
        state: r.state,
        message: { key: "history.escalated", params: { from: from.name, to: to.name } },
        centreId: to.id,
        at: now,
      });
      await writeAudit(tx, {
        actorRole: "system",
        tenantId: tenant.id,
        action: "cs.request.escalate",
        objectType: "cs_request",
        objectId: String(r.id),
        data: { from: from.id, to: to.id, level: r.escalations + 1 },
      });
      moved++;
    }
    return moved;
  });
}
