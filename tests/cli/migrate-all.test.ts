import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadNodeConfig } from "@zhengyun/core/node";
import { type Database, platformSchema } from "@zhengyun/db";
import { bootRuntime } from "@zhengyun/runtime";
import { listTenants } from "@zhengyun/tenancy";
import { dropTenantSchemaAndRole, provisionTenant } from "@zhengyun/tenancy/node";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, randomSlug } from "../harness/index.ts";
import { openScratchDatabase } from "../harness/scratch-database.ts";
import { cliEnv, runCli } from "./run-cli.ts";

/** Two tenants, one made to fail: its ledger is emptied, so re-applying the template collides. */
async function seedBroken(db: Database): Promise<{ good: string; broken: string }> {
  const good = randomSlug("mig");
  const broken = randomSlug("mig");
  await provisionTenant(db, { slug: good, name: "正常区", level: "district" });
  const b = await provisionTenant(db, { slug: broken, name: "故障区", level: "district" });
  await db.orm
    .delete(platformSchema.tenantMigrations)
    .where(eq(platformSchema.tenantMigrations.tenantId, b.id));
  return { good, broken };
}

// `migrate --all` acts on every tenant, so each driver gets a database of its own.
describe.each(drivers())("pnpm cli tenant migrate --all on %s", (driver) => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let slugs: { good: string; broken: string };
  let drop: () => Promise<void>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "zy-cli-mig-"));
    if (driver === "pglite") {
      env = cliEnv(dir);
      const config = loadNodeConfig({ DATA_DIR: dir, DATABASE_URL: "", S3_ENDPOINT: "" });
      const rt = await bootRuntime({ mode: "cli", config, demo: false, log: () => {} });
      slugs = await seedBroken(rt.db).finally(() => rt.close());
      drop = async () => {};
    } else {
      const scratch = await openScratchDatabase(driver);
      env = cliEnv(dir, scratch.url);
      slugs = await seedBroken(scratch.db);
      drop = async () => {
        for (const t of await listTenants(scratch.db)) await dropTenantSchemaAndRole(scratch.db, t);
        await scratch.drop();
      };
    }
  });
  afterAll(async () => {
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("checks every tenant, names the failure on stderr and exits 1", async () => {
    const r = await runCli(["tenant", "migrate", "--all"], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/checked 2 tenants, migrated 0, failed 1/);
    expect(r.stderr).toContain(`failed ${slugs.broken}:`);
    expect(r.stderr).not.toContain(slugs.good);
  });

  it("asks for --all", async () => {
    const r = await runCli(["tenant", "migrate"], env);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("error: tenant migrate needs --all");
  });
});
