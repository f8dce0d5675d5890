import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "@zhengyun/core";
import { type Database, tenantSchema } from "@zhengyun/db";
import {
  enqueueNotification,
  type Jobs,
  type Logger,
  recordUsage,
  startJobs,
  tenantJob,
} from "@zhengyun/jobs";
import { currentScopeTenantId, suspendTenant, withPlatform, withTenant } from "@zhengyun/tenancy";
import { count, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";
import { eventually, platformTotals } from "./helpers.ts";

const { settings } = tenantSchema;

describe.each(drivers())("jobs through pg-boss on %s", (driver) => {
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let dir: string;
  let jobs: Jobs;
  let a: Tenant;
  let b: Tenant;
  let c: Tenant;
  // A schema of its own, so suites sharing the test Postgres never take each other's jobs.
  const queueSchema = `pgboss_test_${randomBytes(4).toString("hex")}`;
  const logged: { level: string; obj: object; msg?: string | undefined }[] = [];
  const logger: Logger = {
    info: (obj, msg) => logged.push({ level: "info", obj, msg }),
    warn: (obj, msg) => logged.push({ level: "warn", obj, msg }),
    error: (obj, msg) => logged.push({ level: "error", obj, msg }),
  };

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    tenants = tenantFactory(db);
    dir = await mkdtemp(join(tmpdir(), "zy-jobs-"));
    [a, b, c] = [await tenants.create(), await tenants.create(), await tenants.create()];
    await withTenant(db, a, (tx) =>
      tx.insert(settings).values([
        { key: "a1", value: 1 },
        { key: "a2", value: 2 },
      ]),
    );
    await withTenant(db, b, (tx) => tx.insert(settings).values([{ key: "b1", value: 1 }]));
    jobs = await startJobs(
      { config: loadConfig({ DATA_DIR: dir, JOBS: "on", SHUTDOWN_GRACE_MS: "2000" }), db },
      {
        logger,
        queueSchema,
        pollingIntervalSeconds: 0.5,
        relayEverySeconds: 1,
        deliverEverySeconds: 1,
        tenantIds: [a.id, b.id, c.id],
      },
    );
  });
  afterAll(async () => {
    await jobs?.stop();
    if (driver === "postgres")
      await db.orm.execute(sql.raw(`drop schema if exists ${queueSchema} cascade`));
    await tenants.cleanup();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("relays usage and delivers notifications on their intervals", async () => {
    await withTenant(db, a, (tx) => recordUsage(tx, { meter: "portal.certificates", quantity: 3 }));
    const id = await withTenant(db, b, (tx) =>
      enqueueNotification(tx, {
        channel: "email",
        recipient: "wang@xicheng.gov.cn",
        subject: "通知",
        body: "材料已补正",
      }),
    );
    await eventually(async () => {
      const totals = await platformTotals(db, a.id);
      return totals.rows === 1 ? totals : undefined;
    }, "a's usage relayed");
    expect(await platformTotals(db, a.id)).toEqual({
      rows: 1,
      byMeter: { "portal.certificates": 3 },
    });

    const file = join(dir, "mailbox", `${b.slug}.txt`);
    const text = await eventually(
      async () => (existsSync(file) ? readFile(file, "utf8") : undefined),
      "mailbox file",
    );
    expect(text).toContain(id);
    // The sent message is counted, and the next relay tick carries the count to the platform.
    await eventually(async () => {
      const totals = await platformTotals(db, b.id);
      return totals.rows === 1 ? totals : undefined;
    }, "b's email.sent relayed");
    expect(await platformTotals(db, b.id)).toEqual({ rows: 1, byMeter: { "email.sent": 1 } });
  });

  it("runs a tenant job inside that tenant's transaction, with its data only", async () => {
    const queue = jobs.queue;
    if (!queue) throw new Error("jobs are off");
    const seen: { tenantId: string; scope: string | undefined; rows: number }[] = [];
    await queue.defineJob(
      tenantJob<{ note: string }>(db, logger, {
        name: "test.count-settings",
        async handler(tx, data) {
          const rows = Number((await tx.select({ n: count() }).from(settings))[0]?.n);
          seen.push({ tenantId: data.tenantId, scope: currentScopeTenantId(), rows });
        },
      }),
    );
    await queue.send("test.count-settings", { tenantId: a.id, note: "first" });
    await eventually(async () => (seen.length === 1 ? true : undefined), "job for a");
    await queue.send("test.count-settings", { tenantId: b.id, note: "second" });
    await eventually(async () => (seen.length === 2 ? true : undefined), "job for b");
    expect(seen).toEqual([
      { tenantId: a.id, scope: a.id, rows: 2 },
      { tenantId: b.id, scope: b.id, rows: 1 },
    ]);

    // A suspended tenant's job is skipped and logged, not run.
    await suspendTenant(db, c.slug);
    await queue.send("test.count-settings", { tenantId: c.id, note: "third" });
    await eventually(
      async () =>
        logged.find((l) => l.msg === "job skipped" && JSON.stringify(l.obj).includes(c.id)),
      "skip logged",
    );
    expect(seen).toHaveLength(2);
  });

  it("retries a failed job after its delay", async () => {
    const queue = jobs.queue;
    if (!queue) throw new Error("jobs are off");
    const runs: number[] = [];
    await queue.defineJob<{ n: number }>({
      name: "test.flaky",
      retryLimit: 2,
      retryDelaySeconds: 1,
      async handler(_data, ctx) {
        runs.push(ctx.retryCount);
        if (runs.length === 1) throw new Error("first run fails");
      },
    });
    await queue.send("test.flaky", { n: 1 });
    await eventually(async () => (runs.length === 2 ? true : undefined), "the retry");
    expect(runs).toEqual([0, 1]);
  });

  it("refuses to send from inside a tenant transaction (use an outbox)", async () => {
    const queue = jobs.queue;
    if (!queue) throw new Error("jobs are off");
    await expect(withTenant(db, a, () => queue.send("test.flaky", { n: 2 }))).rejects.toThrow(
      /inside a tenant transaction/,
    );
  });

  it("starts nothing when JOBS=off", async () => {
    const off = await startJobs(
      { config: loadConfig({ DATA_DIR: dir, JOBS: "off" }), db },
      { logger },
    );
    expect(off.queue).toBeUndefined();
    await off.stop();
  });

  it("keeps the queue's tables out of the runtime role's reach", async () => {
    const err = await withPlatform(db, (tx) =>
      tx.execute(sql.raw(`select count(*) from ${queueSchema}.job`)),
    ).catch((e: Error) => e);
    expect(String((err as Error & { cause?: Error }).cause?.message)).toMatch(/permission denied/);
  });
});
