import { type Clock, systemClock } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import type { JobQueue, Logger } from "@zhengyun/jobs";
import { checkQuotas } from "./quotas.ts";

export const QUOTAS_JOB = "billing.quotas";
/** Every day at 08:00 Asia/Shanghai (the queue's cron time zone): admins read it that morning. */
export const QUOTAS_CRON = "0 8 * * *";

/**
 * Defines the quota-warning job and schedules it daily. Each run alerts tenant admins of meters at
 * 80% / 100% of the month's allowance; `checkQuotas` claims each (tenant, meter, month, threshold)
 * once, so a re-run or a retry never sends the same warning twice.
 */
export async function startQuotaJob(
  queue: JobQueue,
  db: Database,
  opts: { logger: Logger; clock?: Clock; tenantIds?: string[] },
): Promise<void> {
  const clock = opts.clock ?? systemClock;
  await queue.defineJob({
    name: QUOTAS_JOB,
    retryLimit: 3,
    retryDelaySeconds: 300,
    retryBackoff: true,
    async handler() {
      const alerts = await checkQuotas(db, {
        clock,
        ...(opts.tenantIds ? { tenantIds: opts.tenantIds } : {}),
      });
      if (alerts.length > 0) opts.logger.info({ alerts: alerts.length }, "quota warnings queued");
    },
  });
  await queue.schedule(QUOTAS_JOB, QUOTAS_CRON);
}
