import { createApp } from "@zhengyun/api";
import { loadConfig } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import { usageSeriesResponseSchema } from "@zhengyun/metering";
import { usageModule } from "@zhengyun/metering/http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityFactory } from "../harness/identity.ts";
import { drivers, type Tenant } from "../harness/index.ts";
import { dropUsage, setup } from "../metering/helpers.ts";
import { bearer, cloudEvent, postBatch, usageAuthenticator } from "./helpers.ts";

const silent = { info: () => {}, warn: () => {}, error: () => {} };

describe.each(drivers())("GET /api/v1/usage on %s", (driver) => {
  let db: Database;
  let app: ReturnType<typeof createApp>;
  let identity: ReturnType<typeof identityFactory>;
  let cleanupTenants: () => Promise<void>;
  let a: Tenant;
  let b: Tenant;
  let readKey: Record<string, string>;

  beforeAll(async () => {
    const s = await setup(driver);
    db = s.db;
    identity = identityFactory(db);
    a = await s.tenants.create();
    b = await s.tenants.create();
    cleanupTenants = s.tenants.cleanup;
    app = createApp({
      config: loadConfig({ NODE_ENV: "test" }),
      db,
      logger: silent,
      isReady: () => true,
      clock: s.clock,
      authenticator: usageAuthenticator(() => identity.ctx),
    });
    usageModule.register(app);
    readKey = await bearer(identity.ctx, a.id, ["read"]);
    // Either side of midnight in Shanghai (UTC+8), and one in February.
    const writeKey = await bearer(identity.ctx, a.id, ["usage:write"]);
    const res = await app.request(
      "/api/v1/usage/events",
      postBatch(writeKey, [
        cloudEvent(a.slug, "d-1", "sms.sent", 2, "2026-03-18T15:59:59Z"),
        cloudEvent(a.slug, "d-2", "sms.sent", 3, "2026-03-18T16:00:00Z"),
        cloudEvent(a.slug, "d-3", "sms.sent", 7, "2026-02-28T16:30:00+00:00"),
      ]),
    );
    expect(res.status).toBe(200);
  });
  afterAll(async () => {
    await dropUsage(db, [a.id, b.id]);
    await identity.cleanup([a.id, b.id]);
    await cleanupTenants();
    await db.close();
  });

  const get = (query: string, headers: Record<string, string> = readKey) =>
    app.request(`/api/v1/usage?${query}`, { headers });

  it("answers exactly the documented shape, days cut in Asia/Shanghai, right after ingestion", async () => {
    const res = await get(`tenant=${a.slug}&meter=sms.sent&from=2026-03-18&to=2026-03-19`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({
      tenant: a.slug,
      meter: "sms.sent",
      unit: "message",
      granularity: "day",
      points: [
        { start: "2026-03-18", quantity: 2 },
        { start: "2026-03-19", quantity: 3 },
      ],
      total: 5,
    });
    expect(usageSeriesResponseSchema.parse(body)).toEqual(body);
  });

  it("groups by month with inclusive dates", async () => {
    const res = await get(
      `tenant=${a.slug}&meter=sms.sent&from=2026-02-15&to=2026-03-31&granularity=month`,
    );
    expect(await res.json()).toMatchObject({
      granularity: "month",
      points: [
        { start: "2026-02-15", quantity: 0 },
        { start: "2026-03-01", quantity: 12 },
      ],
      total: 12,
    });
  });

  it("serves finance and the tenant's admins; refuses other tenants, other roles and keys", async () => {
    const q = (t: Tenant) => `tenant=${t.slug}&meter=sms.sent&from=2026-03-01&to=2026-03-31`;
    const finance = await identity.create({ role: "finance" });
    const financeCookie = {
      cookie: `zy_session=${await identity.signInStaff(finance.email, null)}`,
    };
    const admin = await identity.create({ role: "tenant_admin", tenantId: a.id });
    const adminCookie = { cookie: `zy_session=${await identity.signInStaff(admin.email, a.id)}` };
    const editor = await identity.create({ role: "portal_editor", tenantId: a.id });
    const editorCookie = { cookie: `zy_session=${await identity.signInStaff(editor.email, a.id)}` };

    expect((await get(q(a), financeCookie)).status).toBe(200);
    expect((await get(q(b), financeCookie)).status).toBe(200);
    expect(usageSeriesResponseSchema.parse(await (await get(q(a), adminCookie)).json()).total).toBe(
      12,
    );
    expect((await get(q(b), adminCookie)).status).toBe(404);
    expect((await get(q(b), readKey)).status).toBe(404);
    expect((await get(q(a), editorCookie)).status).toBe(403);
    expect((await get(q(a), await bearer(identity.ctx, a.id, ["usage:write"]))).status).toBe(403);
    expect((await get(q(a), {})).status).toBe(401);
  });

  it("answers 4xx problems for an unknown tenant or meter and bad dates", async () => {
    const cases: [string, number][] = [
      ["tenant=no-such-tenant&meter=sms.sent&from=2026-03-01&to=2026-03-02", 404],
      [`tenant=${a.slug}&meter=no.such&from=2026-03-01&to=2026-03-02`, 400],
      [`tenant=${a.slug}&meter=sms.sent&from=2026-03-05&to=2026-03-02`, 400],
      [`tenant=${a.slug}&meter=sms.sent&from=March&to=2026-03-02`, 400],
      [`tenant=${a.slug}&meter=sms.sent&from=2026-03-01&to=2026-03-02&granularity=week`, 400],
    ];
    for (const [query, status] of cases) {
      const res = await get(query);
      expect(res.status, query).toBe(status);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    }
  });
});
