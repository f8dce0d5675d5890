import { buildWorker } from "@zhengyun/api/build-worker";
import { type Database, tenantSchema } from "@zhengyun/db";
import { withTenant } from "@zhengyun/tenancy";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";
import { readJson } from "../http/helpers.ts";

const url = process.env.TEST_DATABASE_URL;
if (!url) {
  process.stderr.write(
    "NOT RUN: tests/workers (the Workers entry needs real Postgres behind its Hyperdrive binding; set TEST_DATABASE_URL)\n",
  );
}

/** Miniflare insists on a password in a Hyperdrive URL; the trust-auth test server ignores it. */
function withPassword(raw: string): string {
  const u = new URL(raw);
  if (!u.password) u.password = "unused";
  return u.toString();
}

describe.runIf(url)("Workers entry under miniflare, Hyperdrive → test Postgres", () => {
  let mf: Miniflare;
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let t: Tenant;
  const marker = `workers-${Date.now()}`;

  beforeAll(async () => {
    db = await openTestDatabase("postgres");
    tenants = tenantFactory(db);
    t = await tenants.create({ name: "北京市西城区" });
    await withTenant(db, t, (tx) =>
      tx.insert(tenantSchema.settings).values({ key: "public_profile", value: { marker } }),
    );
    mf = new Miniflare({
      modules: true,
      scriptPath: await buildWorker(),
      compatibilityDate: "2026-04-01",
      compatibilityFlags: ["nodejs_compat"],
      hyperdrives: { HYPERDRIVE: withPassword(url ?? "") },
      bindings: { NODE_ENV: "production", LOG_LEVEL: "warn" },
    });
  });
  afterAll(async () => {
    await mf?.dispose();
    await tenants.cleanup();
    await db.close();
  });

  it("answers /healthz", async () => {
    const res = await mf.dispatchFetch("http://localhost/healthz");
    expect(res.status).toBe(200);
    expect(await readJson(res)).toEqual({ status: "ok" });
  });

  it("serves a tenant-scoped read through withTenant, twice over the same isolate", async () => {
    for (let i = 0; i < 2; i++) {
      const res = await mf.dispatchFetch(`http://localhost/t/${t.slug}/api/v1/profile`);
      expect(res.status).toBe(200);
      expect(await readJson(res)).toEqual({
        slug: t.slug,
        name: "北京市西城区",
        level: "district",
        publicProfile: { marker },
      });
    }
  });

  it("answers problem+json for an unknown tenant", async () => {
    const res = await mf.dispatchFetch("http://localhost/t/no-such-tenant/api/v1/profile");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect((await readJson(res)).type).toBe("/problems/not_found");
  });
});
