import { type Clock, systemClock } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import { type JobQueue, type Logger, tenantsIn } from "@zhengyun/jobs";
import { applyDeemedAcceptance } from "./applications.ts";
import { publishDue } from "./articles.ts";
import { escalateOverdue } from "./consultations.ts";

export const PORTAL_SWEEP_JOB = "portal.sweep";

/**
 * The portal's clockwork (Node, pg-boss): each pass publishes scheduled articles, applies the
 * 5-working-day deemed acceptance and escalates overdue consultations, tenant by tenant; one
 * tenant's failure is logged and does not stop the others.
 */
export async function startPortalJobs(
  queue: JobQueue,
  db: Database,
  logger: Logger,
  opts: { clock?: Clock; everySeconds?: number; tenantIds?: string[] } = {},
): Promise<void> {
  const clock = opts.clock ?? systemClock;
  await queue.defineJob({
    name: PORTAL_SWEEP_JOB,
    async handler() {
      for (const tenant of await tenantsIn(db, ["active"], "", 1_000_000, opts.tenantIds)) {
        const ctx = { db, tenant, clock, actor: { id: "system", kind: "system" as const } };
        try {
          const published = await publishDue(ctx);
          const deemed = await applyDeemedAcceptance(ctx);
          const escalated = await escalateOverdue(ctx);
          if (published + deemed + escalated > 0) {
            logger.info({ tenantId: tenant.id, published, deemed, escalated }, "portal sweep");
          }
        } catch (err) {
          logger.error({ tenantId: tenant.id, err: String(err) }, "portal sweep failed");
        }
      }
    },
  });
  queue.every(PORTAL_SWEEP_JOB, opts.everySeconds ?? 60);
}
