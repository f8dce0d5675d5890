import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { verifyChains, writeAudit } from "@zhengyun/audit";
import { loadConfig } from "@zhengyun/core";
import { type Database, tenantSchema } from "@zhengyun/db";
import { type Jobs, startJobs } from "@zhengyun/jobs";
import { withPlatform, withTenant } from "@zhengyun/tenancy";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, type Tenant, tenantFactory } from "../harness/index.ts";
import { openScratchDatabase } from "../harness/scratch-database.ts";
import { eventually } from "./helpers.ts";

const secret = "jobs-sealer-test-key-0123456789";
const log = tenantSchema.auditLog;

// Its own database: the sealer links every chain of the database it runs on, the vendor's included.
describe.each(drivers())("the jobs runner seals audit chains on %s", (driver) => {
  let db: Database;
  let drop: () => Promise<void>;
  let tenants: ReturnType<typeof tenantFactory>;
  let dir: string;
  let jobs: Jobs;
  let t: Tenant;

  beforeAll(async () => {
    ({ db, drop } = await openScratchDatabase(driver));
    tenants = tenantFactory(db);
    dir = await mkdtemp(join(tmpdir(), "zy-sealer-"));
    t = await tenants.create();
    const config = loadConfig({ DATA_DIR: dir, JOBS: "on", SHUTDOWN_GRACE_MS: "2000" });
    jobs = await startJobs(
      { config, db, secrets: { auditHmacKey: secret } },
      { sealEveryMs: 100, pollingIntervalSeconds: 0.5, tenantIds: [t.id] },
    );
  });
  afterAll(async () => {
    await jobs?.stop();
    await tenants.cleanup();
    await drop();
    await rm(dir, { recursive: true, force: true });
  });

  it("links new records of the tenant and vendor chains in the background, verifiable with the key", async () => {
    const tenantRecord = await withTenant(db, t, (tx) =>
      writeAudit(tx, { action: "case.update", actorId: "usr_s", tenantId: t.id }),
    );
    const vendorRecord = await withPlatform(db, (tx) =>
      writeAudit(tx, { action: "tenant.suspend", actorId: "usr_op" }),
    );
    const sealed = (read: () => Promise<{ pos: bigint | null }[]>) => async () => {
      const [row] = await read();
      return row?.pos == null ? undefined : row.pos;
    };
    await eventually(
      sealed(() =>
        withTenant(db, t, (tx) =>
          tx.select({ pos: log.chainPos }).from(log).where(eq(log.id, tenantRecord)),
        ),
      ),
      "the tenant record to be sealed",
    );
    await eventually(
      sealed(() =>
        withPlatform(db, (tx) =>
          tx.select({ pos: log.chainPos }).from(log).where(eq(log.id, vendorRecord)),
        ),
      ),
      "the vendor record to be sealed",
    );
    await jobs.stop();
    // Linked with the runtime's key: the chains verify under it.
    const reports = await verifyChains(db, { secret, algorithm: "sha256" });
    expect(reports).toMatchObject([
      { chain: "vendor", ok: true },
      { chain: t.slug, ok: true, records: 1 },
    ]);
  });
});
