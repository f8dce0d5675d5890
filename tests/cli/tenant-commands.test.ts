import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Database, openPostgres, platformSchema } from "@zhengyun/db";
import { openPglite } from "@zhengyun/db/node";
import { dropTenantSchemaAndRole } from "@zhengyun/tenancy/node";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, randomSlug, testDatabaseUrl } from "../harness/index.ts";
import { cliEnv, runCli } from "./run-cli.ts";

interface Row {
  slug: string;
  name: string;
  level: string;
  status: string;
  parent: string | null;
  domains: string[];
}

// Subprocesses of `pnpm cli`, on the embedded database (a temp DATA_DIR) and on Postgres.
describe.each(drivers())("pnpm cli tenant commands on %s", (driver) => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const made: string[] = [];
  const list = async () => {
    const r = await runCli(["tenant", "list", "--json"], env);
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as Row[];
  };
  const find = async (slug: string) => (await list()).find((t) => t.slug === slug);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "zy-cli-"));
    env = cliEnv(dir, driver === "postgres" ? testDatabaseUrl() : "");
  });
  afterAll(async () => {
    if (driver === "postgres" && made.length > 0) {
      // Tenant roles are cluster-global: drop what this suite made.
      const db: Database = await openPostgres({ url: testDatabaseUrl(), max: 1 });
      const { tenants } = platformSchema;
      for (const slug of made) {
        const [t] = await db.orm.select().from(tenants).where(eq(tenants.slug, slug));
        if (!t) continue;
        await dropTenantSchemaAndRole(db, t);
        await db.orm.delete(tenants).where(eq(tenants.id, t.id));
      }
      await db.close();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates, lists, suspends and resumes a tenant", async () => {
    const parent = randomSlug("cli");
    const slug = randomSlug("cli");
    made.push(slug, parent);
    const p = await runCli(
      ["tenant", "create", parent, "--name", "北京市", "--level", "city"],
      env,
    );
    expect(p.code).toBe(0);
    const c = await runCli(
      [
        "tenant",
        "create",
        slug,
        "--name",
        "北京市东城区",
        "--level",
        "district",
        "--parent",
        parent,
      ].concat(["--domain", `${slug}.example.cn`]),
      env,
    );
    expect(c.code).toBe(0);
    expect(c.stdout).toContain(slug);
    expect(await find(slug)).toMatchObject({
      name: "北京市东城区",
      level: "district",
      status: "active",
      parent,
      domains: [`${slug}.example.cn`],
    });

    const s = await runCli(["tenant", "suspend", slug], env);
    expect(s.code).toBe(0);
    expect((await find(slug))?.status).toBe("suspended");

    const r = await runCli(["tenant", "resume", slug], env);
    expect(r.code).toBe(0);
    expect((await find(slug))?.status).toBe("active");

    const again = await runCli(["tenant", "create", slug, "--name", "x", "--level", "city"], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);

    // Each change wrote the vendor-chain record the routes and pages write (tenantChangeAudit).
    const db: Database =
      driver === "postgres"
        ? await openPostgres({ url: testDatabaseUrl(), max: 1 })
        : await openPglite(join(dir, "pglite"));
    try {
      const { tenants, platformAuditLog: log } = platformSchema;
      const [t] = await db.orm.select().from(tenants).where(eq(tenants.slug, slug));
      const tenantId = t?.id ?? "";
      const rows = await db.orm
        .select()
        .from(log)
        .where(eq(log.objectId, tenantId))
        .orderBy(asc(log.seq));
      expect(
        rows.map((r) => [r.action, r.actorId, r.actorRole, r.tenantId, r.objectType, r.data]),
      ).toEqual([
        [
          "tenant.create",
          "cli",
          "cli",
          tenantId,
          "tenant",
          { slug, from: "provisioning", to: "active" },
        ],
        [
          "tenant.suspend",
          "cli",
          "cli",
          tenantId,
          "tenant",
          { slug, from: "active", to: "suspended" },
        ],
        [
          "tenant.resume",
          "cli",
          "cli",
          tenantId,
          "tenant",
          { slug, from: "suspended", to: "active" },
        ],
      ]);
    } finally {
      await db.close();
    }
  });

  it("refuses bad input with one clear line on stderr and creates nothing", async () => {
    const bad = await runCli(
      ["tenant", "create", "Bad_Slug!", "--name", "x", "--level", "city"],
      env,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^error: invalid slug/)]);
    expect(bad.stdout).toBe("");

    const level = await runCli(
      ["tenant", "create", "okslug", "--name", "x", "--level", "town"],
      env,
    );
    expect(level.code).toBe(2);
    expect(level.stderr.trim().split("\n")).toHaveLength(1);

    const orphan = randomSlug("cli");
    const noParent = await runCli(
      [
        "tenant",
        "create",
        orphan,
        "--name",
        "x",
        "--level",
        "street",
        "--parent",
        "no-such-parent",
      ],
      env,
    );
    expect(noParent.code).toBe(2);
    expect(noParent.stderr).toMatch(/parent tenant "no-such-parent" does not exist/);

    const unknown = await runCli(["tenant", "suspend", "no-such-tenant"], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No tenant "no-such-tenant"/);

    const slugs = (await list()).map((t) => t.slug);
    expect(slugs).not.toContain("okslug");
    expect(slugs).not.toContain(orphan);
  });
});
