import { createApp, listRoutes } from "@zhengyun/api";
import { registerVendorRoutes } from "@zhengyun/api/vendor";
import { type Database, platformSchema } from "@zhengyun/db";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, openTestDatabase, randomSlug, tenantFactory } from "../harness/index.ts";
import { asPrincipal, json, readJson, testAuthenticator, testDeps } from "./helpers.ts";

const { tenants: tenantsTable } = platformSchema;
const creator = asPrincipal({ scopes: ["platform.tenants:manage"] });

describe.each(drivers())("POST /api/v1/tenants on %s", (driver) => {
  let db: Database;
  let factory: ReturnType<typeof tenantFactory>;
  let app: ReturnType<typeof createApp>;

  const tenantCount = async () =>
    Number((await db.orm.select({ n: count() }).from(tenantsTable))[0]?.n);

  /** Sends a request that must be refused, and proves it wrote nothing. */
  async function refused(init: RequestInit, status: number, type: string) {
    const before = await tenantCount();
    const res = await app.request("/api/v1/tenants", init);
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const body = await readJson(res);
    expect(body.type).toBe(type);
    expect(body.instance).toBe("/api/v1/tenants");
    expect(await tenantCount()).toBe(before);
    return body;
  }

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    factory = tenantFactory(db);
    app = createApp(testDeps(db, { authenticator: testAuthenticator }));
    registerVendorRoutes(app);
  });
  afterAll(async () => {
    await factory.cleanup();
    await db.close();
  });

  it("creates a tenant and answers 201 with it", async () => {
    const slug = randomSlug("new");
    const res = await app.request(
      "/api/v1/tenants",
      json({ slug, name: "北京市朝阳区", level: "district" }, creator),
    );
    expect(res.status).toBe(201);
    const body = await readJson(res);
    expect(body).toMatchObject({ slug, name: "北京市朝阳区", level: "district", status: "active" });
    const [row] = await db.orm.select().from(tenantsTable).where(eq(tenantsTable.slug, slug));
    expect(row?.id).toBe(body.id);
    if (row) factory.track(row);
    // The vendor's audit chain records the creation, committed with the tenant.
    const audit = await db.orm
      .select()
      .from(platformSchema.platformAuditLog)
      .where(eq(platformSchema.platformAuditLog.objectId, body.id as string));
    expect(audit.map((a) => a.action)).toEqual(["tenant.create"]);
    const profile = await app.request(`/t/${slug}/api/v1/profile`);
    expect(profile.status).toBe(200);
    // A second create for the same slug is a conflict, not a silent success.
    await refused(
      json({ slug, name: "重复", level: "district" }, creator),
      409,
      "/problems/conflict",
    );
  });

  it("refuses a domain another tenant owns with 409, writing nothing", async () => {
    const host = `${randomSlug("d")}.gov.test`;
    await factory.create({ domains: [host] });
    await refused(
      json({ slug: randomSlug(), name: "重名域", level: "street", domains: [host] }, creator),
      409,
      "/problems/conflict",
    );
    await refused(
      json(
        { slug: randomSlug(), name: "坏域名", level: "street", domains: ["not a host"] },
        creator,
      ),
      400,
      "/problems/validation",
    );
  });

  it("refuses an oversized body with 413", async () => {
    const name = "区".repeat(3000);
    await refused(
      json({ slug: randomSlug(), name, level: "city" }, creator),
      413,
      "/problems/payload_too_large",
    );
  });

  it("refuses a content type the route does not accept with 415", async () => {
    await refused(
      { method: "POST", headers: { "content-type": "text/plain", ...creator }, body: "slug=x" },
      415,
      "/problems/unsupported_media_type",
    );
    await refused(
      {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...creator },
        body: "slug=abc&name=x&level=city",
      },
      415,
      "/problems/unsupported_media_type",
    );
  });

  it("refuses malformed JSON with 400", async () => {
    await refused(
      {
        method: "POST",
        headers: { "content-type": "application/json", ...creator },
        body: "{slug:",
      },
      400,
      "/problems/invalid_json",
    );
  });

  it("refuses a body that fails validation with 400 and every field issue", async () => {
    const body = await refused(
      json({ slug: "Bad Slug", name: "", level: "province" }, creator),
      400,
      "/problems/validation",
    );
    const paths = body.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(["level", "name", "slug"]);
    await refused(
      json({ slug: "admin", name: "x", level: "city" }, creator),
      400,
      "/problems/validation",
    );
  });

  it("answers 401 without a principal and 403 without the permission", async () => {
    const body = { slug: randomSlug(), name: "x", level: "city" };
    await refused(json(body), 401, "/problems/unauthenticated");
    await refused(json(body, asPrincipal({ scopes: ["other"] })), 403, "/problems/forbidden");
  });

  it("answers 401 for every protected route when no authenticator is configured", async () => {
    const bare = createApp(testDeps(db));
    registerVendorRoutes(bare);
    const before = await tenantCount();
    const res = await bare.request(
      "/api/v1/tenants",
      json({ slug: randomSlug(), name: "x", level: "city" }, creator),
    );
    expect(res.status).toBe(401);
    expect(await tenantCount()).toBe(before);
    const protectedRoutes = listRoutes(bare).filter((r) => r.permission !== "public");
    expect(protectedRoutes.map((r) => `${r.method} ${r.path}`)).toContain("POST /api/v1/tenants");
  });
});
