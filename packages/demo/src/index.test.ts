import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tenantSchema } from "@zhengyun/db";
import { createObjectStore } from "@zhengyun/storage";
import { EMBEDDED_S3_CREDENTIALS, startEmbeddedS3 } from "@zhengyun/storage/node";
import { listTenants, withTenant } from "@zhengyun/tenancy";
import { dropTenantSchemaAndRole } from "@zhengyun/tenancy/node";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers } from "../../../tests/harness/databases.ts";
import { openScratchDatabase } from "../../../tests/harness/scratch-database.ts";
import { PUBLIC_PROFILE_KEY, type PublicProfile, seedDemo } from "./index.ts";

// The demo uses fixed slugs, so on Postgres it runs in a scratch database of its own.
describe.each(drivers())("seedDemo on %s", (driver) => {
  let scratch: Awaited<ReturnType<typeof openScratchDatabase>>;
  let s3: Awaited<ReturnType<typeof startEmbeddedS3>>;
  let dir: string;

  beforeAll(async () => {
    scratch = await openScratchDatabase(driver);
    dir = mkdtempSync(join(tmpdir(), "zy-demo-"));
    s3 = await startEmbeddedS3({ dir, bucket: "demo" });
  });
  afterAll(async () => {
    for (const t of await listTenants(scratch.db)) await dropTenantSchemaAndRole(scratch.db, t);
    await scratch.drop();
    await s3.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("seeds Beijing and two districts, active, with public profiles; a second run changes nothing", async () => {
    const deps = {
      db: scratch.db,
      storage: createObjectStore({
        endpoint: s3.endpoint,
        region: "cn-north-1",
        bucket: "demo",
        forcePathStyle: true,
        ...EMBEDDED_S3_CREDENTIALS,
      }),
    };
    const first = await seedDemo(deps);
    const second = await seedDemo(deps);
    // Accounts already made are listed again, without their (one-time) TOTP enrolment.
    expect(second.tenants).toEqual(first.tenants);
    expect(second.signIn).toEqual(first.signIn.map(({ otpauthUri: _, ...s }) => s));
    expect(first.signIn.filter((s) => s.otpauthUri?.startsWith("otpauth://")).length).toBe(4 + 3);
    expect(first.signIn.filter((s) => s.role === "citizen").length).toBe(3);

    const all = await listTenants(scratch.db);
    expect(all.map((t) => [t.slug, t.name, t.level, t.status])).toEqual([
      ["beijing", "北京市", "city", "active"],
      ["dongcheng", "北京市东城区", "district", "active"],
      ["xicheng", "北京市西城区", "district", "active"],
    ]);
    const beijing = all.find((t) => t.slug === "beijing");
    expect(all.filter((t) => t.level === "district").map((t) => t.parentId)).toEqual([
      beijing?.id,
      beijing?.id,
    ]);
    for (const t of all) {
      const rows = await withTenant(scratch.db, t, (tx) =>
        tx
          .select()
          .from(tenantSchema.settings)
          .where(eq(tenantSchema.settings.key, PUBLIC_PROFILE_KEY)),
      );
      expect(rows).toHaveLength(1);
      const profile = rows[0]?.value as PublicProfile;
      expect(profile.hotline).toBe("12345");
      expect(profile.displayName.en).toMatch(/\S/);
      expect(t.name).toContain(profile.shortName["zh-CN"]);
    }
  });
});
