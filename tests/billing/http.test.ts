import { createApp } from "@zhengyun/api";
import { createContract } from "@zhengyun/billing";
import { billingApiModule, type RunResponse, runResponse } from "@zhengyun/billing/http";
import { runCli } from "@zhengyun/cli";
import type { Database } from "@zhengyun/db";
import type { Runtime } from "@zhengyun/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, type Tenant, tenantFactory } from "../harness/index.ts";
import { asPrincipal, json, readJson, testAuthenticator, testDeps } from "../http/helpers.ts";
import { openBillingDatabase, seedPrices } from "./setup.ts";

describe.each(drivers())("billing HTTP on %s", (driver) => {
  let scratch: Awaited<ReturnType<typeof openBillingDatabase>>;
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let t: Tenant;
  let other: Tenant;
  let app: ReturnType<typeof createApp>;
  const finance = asPrincipal({
    roles: ["finance"],
    scopes: ["platform.billing:read", "platform.billing:manage"],
  });
  const admin = (tenant: Tenant) =>
    asPrincipal({
      tenantId: tenant.id,
      roles: ["tenant_admin"],
      scopes: ["tenant.subscriptions:manage"],
    });
  const citizen = (tenant: Tenant) =>
    asPrincipal({ tenantId: tenant.id, roles: ["citizen"], scopes: ["citizen:self"] });

  beforeAll(async () => {
    scratch = await openBillingDatabase(driver);
    db = scratch.db;
    tenants = tenantFactory(db);
    await seedPrices(db);
    t = await tenants.create();
    other = await tenants.create();
    await createContract(db, {
      tenant: t.slug,
      startsOn: "2026-01-01",
      modules: [{ module: "portal" }],
    });
    app = createApp(testDeps(db, { authenticator: testAuthenticator }));
    billingApiModule.register(app);
  });
  afterAll(async () => {
    await tenants.cleanup();
    await scratch.drop();
  });

  it("lets the tenant admin subscribe, refuses citizens and other tenants' admins", async () => {
    const path = `/t/${t.slug}/api/v1/subscriptions`;
    const body = { module: "portal", startsOn: "2026-09-01" };
    expect((await app.request(path, json(body, citizen(t)))).status).toBe(403);
    expect((await app.request(path, json(body, admin(other)))).status).toBe(404);
    const res = await app.request(path, json(body, admin(t)));
    expect(res.status).toBe(201);
    expect(await readJson(res)).toMatchObject({
      module: "portal",
      priceLevel: "district",
      endsOn: null,
    });
    // Not in the contract → 400; already subscribed → 409.
    expect((await app.request(path, json({ ...body, module: "community" }, admin(t)))).status).toBe(
      400,
    );
    expect((await app.request(path, json(body, admin(t)))).status).toBe(409);
  });

  it("runs a month for finance in the CLI's array shape, and lists it with drill-down", async () => {
    expect(
      (await app.request("/api/v1/billing/runs", json({ period: "2026-09" }, admin(t)))).status,
    ).toBe(403);
    const res = await app.request(
      "/api/v1/billing/runs",
      json({ period: "2026-09", tenant: t.slug }, finance),
    );
    expect(res.status).toBe(200);
    const drafts: RunResponse = runResponse.parse(await readJson(res));
    expect(drafts).toEqual([
      {
        tenant: t.slug,
        invoice_id: expect.any(String),
        status: "draft",
        lines: [
          {
            kind: "rental",
            description: expect.any(String),
            quantity: 1,
            amount_fen: 310_000,
            tax_fen: 18_600,
          },
          expect.objectContaining({ kind: "usage", amount_fen: 0 }),
          expect.objectContaining({ kind: "usage", amount_fen: 0 }),
        ],
        subtotal_fen: 310_000,
        tax_fen: 18_600,
        total_fen: 328_600,
      },
    ]);
    const list = await readJson(
      await app.request("/api/v1/billing/invoices?period=2026-09", { headers: finance }),
    );
    expect(list).toMatchObject([{ id: drafts[0]?.invoice_id, status: "draft", totalFen: 328_600 }]);
    const detail = await readJson(
      await app.request(`/api/v1/billing/invoices/${drafts[0]?.invoice_id}`, { headers: finance }),
    );
    expect(detail.lines).toHaveLength(3);
    expect(detail.usageByDay.map((u: { meter: string }) => u.meter).sort()).toEqual([
      "api.requests",
      "portal.applications",
    ]);
    expect(detail.usageByDay[0].points).toHaveLength(30);
  });

  it("answers bad periods and unknown tenants with problem+json", async () => {
    const cases: [unknown, number][] = [
      [{ period: "2026-13" }, 400],
      [{ period: "2999-01" }, 400],
      [{ period: "2026-09", tenant: "nobody-here" }, 404],
    ];
    for (const [body, status] of cases) {
      const res = await app.request("/api/v1/billing/runs", json(body, finance));
      expect(res.status).toBe(status);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
    const neg = await app.request(
      "/api/v1/billing/price-versions",
      json(
        {
          module: "community",
          effectiveFrom: "2030-01-01",
          rental: { city: -1, district: 0, street: 0 },
        },
        finance,
      ),
    );
    expect(neg.status).toBe(400);
  });

  it("prints the same drafts from `pnpm cli billing run --json`", async () => {
    let out = "";
    let err = "";
    const io = {
      rt: { db } as unknown as Runtime,
      stdout: {
        write: (x: string) => {
          out += x;
          return true;
        },
      },
      stderr: {
        write: (x: string) => {
          err += x;
          return true;
        },
      },
    };
    const code = await runCli(
      ["billing", "run", "--period", "2026-09", "--tenant", t.slug, "--json"],
      io,
    );
    expect({ code, err }).toEqual({ code: 0, err: "" });
    const printed = runResponse.parse(JSON.parse(out));
    const res = await app.request(
      "/api/v1/billing/runs",
      json({ period: "2026-09", tenant: t.slug }, finance),
    );
    expect(printed).toEqual(await readJson(res));
    expect(await runCli(["billing", "run", "--period", "2026-9"], io)).toBe(2);
  });
});
