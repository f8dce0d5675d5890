import { type Clock, systemClock } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import type { JobQueue, Logger } from "@zhengyun/jobs";
import { queueOverdueReminders } from "./reminders.ts";

export const REMINDERS_JOB = "billing.reminders";

/**
 * Defines the overdue-reminder job and schedules it hourly (reminders are daily facts; hourly runs
 * only shorten the delay after a restart). Each run is idempotent per invoice and stage.
 */
export async function startReminderJob(
  queue: JobQueue,
  db: Database,
  opts: { logger: Logger; clock?: Clock },
): Promise<void> {
  const clock = opts.clock ?? systemClock;
  await queue.defineJob({
    name: REMINDERS_JOB,
    retryLimit: 3,
    retryDelaySeconds: 60,
    retryBackoff: true,
    async handler() {
      const sent = await queueOverdueReminders(db, clock.now());
      if (sent.length > 0) opts.logger.info({ reminders: sent.length }, "overdue reminders queued");
    },
  });
  await queue.schedule(REMINDERS_JOB, "15 * * * *");
}
