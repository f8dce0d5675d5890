import { auditKeyFrom, startSealer } from "@zhengyun/audit";
import type { Clock, Config, Secrets } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import { type DeliveryOptions, deliverNotifications } from "./delivery.ts";
import { type Logger, stderrLogger } from "./logger.ts";
import { mailboxProvider } from "./mailbox.ts";
import type { NotificationProvider } from "./notifications.ts";
import { type JobQueue, startQueue } from "./queue.ts";
import { ACTIVE, LIVE, tenantSweep } from "./tenants.ts";
import { relayUsage } from "./usage.ts";
import type { UsageSink } from "./usage-sink.ts";

export interface StartJobsOptions {
  logger?: Logger;
  /** Email/SMS gateway; defaults to the local mailbox file (DATA_DIR/mailbox or MAIL_OUTBOX_FILE). */
  provider?: NotificationProvider;
  clock?: Clock;
  /** pg-boss's Postgres schema (default `pgboss`). */
  queueSchema?: string;
  pollingIntervalSeconds?: number;
  relayEverySeconds?: number;
  deliverEverySeconds?: number;
  /** Tenants visited per tick by each sweeping job; the next tick continues where it stopped. */
  tenantsPerTick?: number;
  delivery?: Omit<DeliveryOptions, "clock">;
  /** Sweep only these tenants (a worker dedicated to a group of tenants; tests sharing a database). */
  tenantIds?: string[];
  /** Where relayed usage goes; the default writes platform.usage_events directly. */
  usageSink?: UsageSink;
  /** How often the audit sealer links pending records (default 2000 ms). */
  sealEveryMs?: number;
}

export interface Jobs {
  /** The queue, for modules to define and send their own jobs; absent when JOBS=off. */
  queue: JobQueue | undefined;
  /** Stops enqueueing, waits for running jobs (up to SHUTDOWN_GRACE_MS), then returns. */
  stop(): Promise<void>;
}

export const USAGE_RELAY_JOB = "usage.relay";
export const NOTIFICATIONS_JOB = "notifications.deliver";

/**
 * Starts the job queue and the built-in workers: usage outbox relay, notification delivery and,
 * when the runtime's secrets are given, the audit sealer (it links every chain's pending records).
 */
export async function startJobs(
  rt: { config: Config; db: Database; secrets?: Pick<Secrets, "auditHmacKey"> },
  opts: StartJobsOptions = {},
): Promise<Jobs> {
  const { config, db } = rt;
  const logger = opts.logger ?? stderrLogger;
  if (config.JOBS === "off") {
    logger.info({}, "background jobs are off (JOBS=off)");
    return { queue: undefined, stop: async () => {} };
  }
  const queue = await startQueue(db, {
    logger,
    ...(opts.queueSchema ? { schema: opts.queueSchema } : {}),
    ...(opts.pollingIntervalSeconds ? { pollingIntervalSeconds: opts.pollingIntervalSeconds } : {}),
  });
  const perTick = opts.tenantsPerTick ?? 200;

  const relayNext = tenantSweep(db, LIVE, perTick, opts.tenantIds);
  const sinkOpt = opts.usageSink ? { sink: opts.usageSink } : {};
  await queue.defineJob({
    name: USAGE_RELAY_JOB,
    retryLimit: 0, // the next tick is the retry
    async handler() {
      const r = await relayUsage(db, await relayNext(), sinkOpt);
      if (r.relayed > 0) logger.info({ ...r, failed: undefined }, "usage relayed");
      for (const f of r.failed) logger.error(f, "usage relay failed for a tenant");
    },
  });

  const provider =
    opts.provider ?? mailboxProvider({ dataDir: config.DATA_DIR, file: config.MAIL_OUTBOX_FILE });
  const deliverNext = tenantSweep(db, ACTIVE, perTick, opts.tenantIds);
  await queue.defineJob({
    name: NOTIFICATIONS_JOB,
    retryLimit: 0,
    async handler() {
      const r = await deliverNotifications(db, provider, await deliverNext(), {
        ...opts.delivery,
        ...(opts.clock ? { clock: opts.clock } : {}),
      });
      if (r.sent + r.retrying + r.failed > 0)
        logger.info({ ...r, errors: undefined }, "notifications");
      for (const e of r.errors) logger.error(e, "notification delivery failed for a tenant");
    },
  });

  queue.every(USAGE_RELAY_JOB, opts.relayEverySeconds ?? 5);
  queue.every(NOTIFICATIONS_JOB, opts.deliverEverySeconds ?? 2);
  const sealer = rt.secrets
    ? startSealer(db, auditKeyFrom(config, rt.secrets), {
        ...(opts.sealEveryMs ? { intervalMs: opts.sealEveryMs } : {}),
        onError: (e) => logger.error({ err: String(e) }, "audit sealing failed"),
      })
    : undefined;
  logger.info({ driver: db.driver, sealer: Boolean(sealer) }, "background jobs started");
  return {
    queue,
    async stop() {
      await sealer?.stop();
      await queue.stop({ timeoutMs: config.SHUTDOWN_GRACE_MS });
    },
  };
}
