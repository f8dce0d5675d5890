import { randomBytes } from "node:crypto";
import {
  createContract,
  QUOTAS_CRON,
  QUOTAS_JOB,
  startQuotaJob,
  subscribe,
} from "@zhengyun/billing";
import { ManualClock } from "@zhengyun/core";
import { type Database, platformSchema, query, tenantSchema } from "@zhengyun/db";
import { type JobQueue, startQueue } from "@zhengyun/jobs";
import { ingestEvents } from "@zhengyun/metering";
import { withTenant } from "@zhengyun/tenancy";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, type Tenant, tenantFactory } from "../harness/index.ts";
import { eventually } from "../jobs/helpers.ts";
import { openBillingDatabase, seedPrices } from "./setup.ts";

const errors: unknown[] = [];
const quiet = {
  info() {},
  warn() {},
  error(o: unknown) {
    errors.push(o);
  },
};

describe.each(drivers())("the daily quota-warning job on %s", (driver) => {
  let scratch: Awaited<ReturnType<typeof openBillingDatabase>>;
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let t: Tenant;
  let queue: JobQueue;
  const schema = `pgboss_quota_${randomBytes(3).toString("hex")}`;
  const clock = new ManualClock("2026-10-13T02:00:00Z");

  beforeAll(async () => {
    scratch = await openBillingDatabase(driver);
    db = scratch.db;
    tenants = tenantFactory(db);
    await seedPrices(db);
    t = await tenants.create();
    // Portal includes 1,000 api.requests a month; 900 used crosses the 80% warning only.
    await createContract(db, {
      tenant: t.slug,
      startsOn: "2026-01-01",
      modules: [{ module: "portal" }],
    });
    await subscribe(db, { tenant: t.slug, module: "portal", startsOn: "2026-01-01" });
    await ingestEvents(
      db,
      {
        tenantId: t.id,
        events: [{ id: "q-1", meter: "api.requests", quantity: 900, time: "2026-10-12T04:00:00Z" }],
      },
      { clock, lateWindowDays: 400 },
    );
    await db.orm
      .insert(platformSchema.users)
      .values({ id: `usr_q_${t.slug}`, displayName: "管理员", email: `admin@${t.slug}.test` });
    await db.orm.insert(platformSchema.memberships).values({
      id: `mem_q_${t.slug}`,
      userId: `usr_q_${t.slug}`,
      tenantId: t.id,
      role: "tenant_admin",
    });
    queue = await startQueue(db, { logger: quiet, schema, pollingIntervalSeconds: 0.5 });
    await startQuotaJob(queue, db, { logger: quiet, clock, tenantIds: [t.id] });
  });
  afterAll(async () => {
    await queue?.stop({ timeoutMs: 2000 });
    await tenants.cleanup();
    await scratch.drop();
  });

  it("is scheduled daily on the queue, and a run queues the admin's quota warning once", async () => {
    const schedules = await query<{ name: string; cron: string; timezone: string }>(
      db.orm,
      sql.raw(`select name, cron, timezone from ${schema}.schedule`),
    );
    expect(schedules).toEqual([{ name: QUOTAS_JOB, cron: QUOTAS_CRON, timezone: "Asia/Shanghai" }]);
    expect(QUOTAS_CRON).toMatch(/^\d+ \d+ \* \* \*$/);

    const outbox = () =>
      withTenant(db, t, (tx) => tx.select().from(tenantSchema.notificationOutbox));
    expect(await outbox()).toEqual([]);
    // What the cron fires: one job on the queue, run by the registered handler.
    await queue.send(QUOTAS_JOB, {});
    const sent = await eventually(
      async () => {
        const rows = await outbox();
        return rows.length > 0 ? rows : undefined;
      },
      `the quota warning (job errors: ${JSON.stringify(errors)})`,
    );
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ channel: "email", recipient: `admin@${t.slug}.test` });
    expect(sent[0]?.body).toContain("api.requests");
    expect(sent[0]?.body).toContain("80%");

    // The next day's run finds the warning already given: nothing new.
    const again = await queue.send(QUOTAS_JOB, {}, { singletonKey: "again" });
    await eventually(async () => {
      const [job] = await query<{ state: string }>(
        db.orm,
        sql`select state from ${sql.raw(schema)}.job where id = ${again}`,
      );
      return job?.state === "completed" ? job : undefined;
    }, "the second run");
    const alerts = () =>
      query<{ n: string | number }>(
        db.orm,
        sql`select count(*) as n from platform.quota_alerts where tenant_id = ${t.id}`,
      );
    expect(Number((await alerts())[0]?.n)).toBe(1);
    expect(await outbox()).toHaveLength(1);
  });
});
