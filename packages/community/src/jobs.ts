import { type Clock, systemClock } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import { type JobQueue, type Logger, tenantsIn } from "@zhengyun/jobs";
import { escalateOverdue } from "./escalation.ts";

export const ESCALATE_JOB = "cs.escalate";

/**
 * The supervision job (Node side, with the pg-boss queue): every `everySeconds` one job walks the
 * active tenants and escalates their overdue requests. One tenant's failure is logged and does not
 * stop the others.
 */
export async function startEscalation(
  queue: JobQueue,
  db: Database,
  logger: Logger,
  opts: { clock?: Clock; everySeconds?: number; tenantIds?: string[] } = {},
): Promise<void> {
  const clock = opts.clock ?? systemClock;
  await queue.defineJob({
    name: ESCALATE_JOB,
    async handler() {
      for (const tenant of await tenantsIn(db, ["active"], "", 1_000_000, opts.tenantIds)) {
        try {
          const moved = await escalateOverdue(db, tenant, clock);
          if (moved > 0) logger.info({ tenantId: tenant.id, moved }, "requests escalated");
        } catch (err) {
          logger.error({ tenantId: tenant.id, err: String(err) }, "escalation failed");
        }
      }
    },
  });
  queue.every(ESCALATE_JOB, opts.everySeconds ?? 60);
}
