import type { Database } from "@zhengyun/db";
import { currentScopeTenantId } from "@zhengyun/tenancy";
import PgBoss from "pg-boss";
import { bossDb } from "./boss-db.ts";
import type { Logger } from "./logger.ts";

export interface JobContext {
  id: string;
  name: string;
  /** 0 on the first run, then 1, 2, ... on retries. */
  retryCount: number;
}

export interface JobDefinition<T extends object = object> {
  name: string;
  handler: (data: T, ctx: JobContext) => Promise<void>;
  /** Retries after a thrown error; pg-boss waits retryDelaySeconds, doubled each time if backoff. */
  retryLimit?: number;
  retryDelaySeconds?: number;
  retryBackoff?: boolean;
  expireInSeconds?: number;
  /** Parallel workers for this queue in this process. */
  concurrency?: number;
}

export interface SendOptions {
  startAfterSeconds?: number;
  /** With singletonSeconds: at most one job per key per time slot (throttling). */
  singletonKey?: string;
  singletonSeconds?: number;
}

/** The small surface the product uses for scheduled and retried work; pg-boss underneath. */
export interface JobQueue {
  defineJob<T extends object>(def: JobDefinition<T>): Promise<void>;
  send<T extends object>(name: string, data: T, opts?: SendOptions): Promise<string | null>;
  /** Cron schedule (minute resolution), persisted: one run per slot across all servers. */
  schedule(name: string, cron: string, data?: object): Promise<void>;
  /** Every few seconds: a throttled send, so many servers still enqueue one job per interval. */
  every(name: string, seconds: number, data?: object): void;
  stop(opts?: { timeoutMs?: number }): Promise<void>;
}

export interface QueueOptions {
  logger: Logger;
  /** Postgres schema for pg-boss's tables; the runtime and tenant roles have no access to it. */
  schema?: string;
  pollingIntervalSeconds?: number;
}

/**
 * Starts pg-boss on our own Database (either driver, the owner's connection). It needs no LISTEN,
 * so it also runs on PGlite's single connection. Jobs run in this process; their tenant work goes
 * through withTenant (see tenant-job.ts).
 */
export async function startQueue(db: Database, opts: QueueOptions): Promise<JobQueue> {
  const boss = new PgBoss({
    db: bossDb(db) as PgBoss.Db,
    schema: opts.schema ?? "pgboss",
    migrate: true,
    supervise: true,
    schedule: true,
    // Interval ticks make tens of thousands of finished jobs a day: archive and drop them soon.
    archiveCompletedAfterSeconds: 3600,
    deleteAfterDays: 2,
  });
  boss.on("error", (error) => opts.logger.error({ err: error }, "job queue error"));
  await boss.start();
  const timers = new Set<NodeJS.Timeout>();
  const pollingIntervalSeconds = opts.pollingIntervalSeconds ?? 1;

  const send: JobQueue["send"] = async (name, data, o = {}) => {
    // pg-boss is not part of a tenant transaction; from inside one, PGlite's single connection
    // would even deadlock. Work that must commit with tenant data goes through an outbox.
    if (currentScopeTenantId() !== undefined) {
      throw new Error(`send(${name}) inside a tenant transaction: use an outbox, or send after it`);
    }
    return boss.send(name, data, {
      ...(o.startAfterSeconds ? { startAfter: o.startAfterSeconds } : {}),
      ...(o.singletonKey ? { singletonKey: o.singletonKey } : {}),
      ...(o.singletonSeconds ? { singletonSeconds: o.singletonSeconds } : {}),
    });
  };

  return {
    async defineJob<T extends object>(def: JobDefinition<T>) {
      await boss.createQueue(def.name, {
        name: def.name,
        retryLimit: def.retryLimit ?? 3,
        retryDelay: def.retryDelaySeconds ?? 5,
        retryBackoff: def.retryBackoff ?? true,
        ...(def.expireInSeconds ? { expireInSeconds: def.expireInSeconds } : {}),
      });
      for (let i = 0; i < (def.concurrency ?? 1); i++) {
        await boss.work<T>(
          def.name,
          { batchSize: 1, includeMetadata: true, pollingIntervalSeconds },
          async ([job]) => {
            if (!job) return;
            await def.handler(job.data, { id: job.id, name: job.name, retryCount: job.retryCount });
          },
        );
      }
    },
    send,
    async schedule(name, cron, data = {}) {
      await boss.schedule(name, cron, data, { tz: "Asia/Shanghai" });
    },
    every(name, seconds, data = {}) {
      const tick = () =>
        send(name, data, { singletonKey: name, singletonSeconds: seconds }).catch((err) =>
          opts.logger.error({ err, job: name }, "could not enqueue interval job"),
        );
      const timer = setInterval(tick, seconds * 1000);
      timer.unref();
      timers.add(timer);
      void tick();
    },
    async stop({ timeoutMs = 10_000 } = {}) {
      for (const t of timers) clearInterval(t);
      timers.clear();
      // Waits for running handlers (up to the timeout), then marks what is left as failed: retried.
      await boss.stop({ graceful: true, wait: true, timeout: timeoutMs });
    },
  };
}
