import { randomBytes } from "node:crypto";
import { type CsCtx, csRequests, submitRequest } from "@zhengyun/community";
import { startEscalation } from "@zhengyun/community/jobs";
import { ManualClock } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import { type JobQueue, startQueue } from "@zhengyun/jobs";
import { withTenant } from "@zhengyun/tenancy";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";
import { eventually } from "../jobs/helpers.ts";
import { seedServices, seedTree, type Tree } from "./fixtures.ts";

const quiet = { info() {}, warn() {}, error() {} };

describe.each(drivers())("supervision job on the pg-boss queue on %s", (driver) => {
  let db: Database;
  let factory: ReturnType<typeof tenantFactory>;
  let tenant: Tenant;
  let tree: Tree;
  let queue: JobQueue;
  const clock = new ManualClock("2026-03-02T01:00:00Z");

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    factory = tenantFactory(db);
    tenant = await factory.create();
    const ctx: CsCtx = { db, tenant, clock };
    tree = await seedTree(ctx);
    await seedServices(ctx);
    queue = await startQueue(db, {
      logger: quiet,
      schema: `pgboss_cs_${randomBytes(3).toString("hex")}`,
      pollingIntervalSeconds: 0.5,
    });
    await startEscalation(queue, db, quiet, { clock, everySeconds: 1, tenantIds: [tenant.id] });
  });
  afterAll(async () => {
    await queue.stop({ timeoutMs: 2000 });
    await factory.cleanup();
    await db.close();
  });

  it("moves an overdue request to the parent centre without anyone calling the verb", async () => {
    const r = await submitRequest({
      ctx: { db, tenant, clock },
      input: {
        serviceCode: "ROAD01",
        channel: "phone",
        lat: 39.89,
        long: 116.3,
        attributes: { SIZE: "S" },
      },
    });
    clock.advance(25 * 3_600_000);
    const centreOf = async () =>
      (
        await withTenant(db, tenant, (tx) =>
          tx
            .select()
            .from(csRequests)
            .where(eq(csRequests.id, Number(r.id))),
        )
      )[0]?.centreId;
    const moved = await eventually(async () => {
      const centre = await centreOf();
      return centre === tree.streets[0]?.id ? centre : undefined;
    }, "the escalation job");
    expect(moved).toBe(tree.streets[0]?.id);
  });
});
