import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadNodeConfig } from "@zhengyun/core/node";
import { listTenants } from "@zhengyun/tenancy";
import { dropTenantSchemaAndRole } from "@zhengyun/tenancy/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers } from "../../../tests/harness/databases.ts";
import { openScratchDatabase } from "../../../tests/harness/scratch-database.ts";
import { bootRuntime, DataDirLockedError } from "./index.ts";

const quiet = () => {};
const configFor = (dataDir: string, databaseUrl = "", demo = "auto") =>
  loadNodeConfig({ DATA_DIR: dataDir, DATABASE_URL: databaseUrl, S3_ENDPOINT: "", DEMO: demo });

describe("bootRuntime on the embedded default", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "zy-boot-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("locks the data directory, seeds the demo once, and keeps data across a restart", async () => {
    const config = configFor(dir);
    const rt = await bootRuntime({ mode: "server", config, log: quiet });
    try {
      expect(rt.lock).toBeDefined();
      expect(rt.demo?.tenants.map((t) => t.slug)).toEqual(["beijing", "dongcheng", "xicheng"]);
      await expect(bootRuntime({ mode: "cli", config, log: quiet })).rejects.toThrow(
        DataDirLockedError,
      );
      await rt.storage.put(rt.demo?.tenants[0]?.id ?? "", "hello.txt", "你好", "text/plain");
    } finally {
      await rt.close();
    }
    const again = await bootRuntime({ mode: "server", config, log: quiet });
    try {
      expect(again.demo).toBeUndefined();
      const tenants = await listTenants(again.db);
      expect(tenants.map((t) => t.slug)).toEqual(["beijing", "dongcheng", "xicheng"]);
      const bytes = await again.storage.get(tenants[0]?.id ?? "", "hello.txt");
      expect(new TextDecoder().decode(bytes)).toBe("你好");
    } finally {
      await again.close();
    }
  });
});

describe.each(drivers().filter((d) => d === "postgres"))("bootRuntime on %s", (driver) => {
  let scratch: Awaited<ReturnType<typeof openScratchDatabase>>;
  let dir: string;
  beforeAll(async () => {
    scratch = await openScratchDatabase(driver);
    dir = mkdtempSync(join(tmpdir(), "zy-boot-pg-"));
  });
  afterAll(async () => {
    for (const t of await listTenants(scratch.db)) await dropTenantSchemaAndRole(scratch.db, t);
    await scratch.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("takes no lock and never seeds a real database unasked; DEMO=true seeds it", async () => {
    const url = scratch.url ?? "";
    const rt = await bootRuntime({ mode: "server", config: configFor(dir, url), log: quiet });
    try {
      expect(rt.lock).toBeUndefined();
      expect(rt.demo).toBeUndefined();
      expect(await listTenants(rt.db)).toEqual([]);
    } finally {
      await rt.close();
    }
    const asked = await bootRuntime({
      mode: "server",
      config: configFor(dir, url, "true"),
      log: quiet,
    });
    try {
      expect(asked.demo?.tenants).toHaveLength(3);
    } finally {
      await asked.close();
    }
  });
});
