import { createApp } from "@zhengyun/api";
import type { Database } from "@zhengyun/db";
import {
  BATCH_BODY_LIMIT,
  BATCH_MAX_CLAIMS,
  type MiCtx,
  medicalModule,
  miAccumulators,
  miSettlements,
} from "@zhengyun/medical-insurance";
import { withTenant } from "@zhengyun/tenancy";
import { count } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";
import { asPrincipal, readJson, testAuthenticator, testDeps } from "../http/helpers.ts";
import { employee, INSTITUTIONS, setupMedical } from "./helpers.ts";

describe.each(drivers())("batch route body limit on %s", (driver) => {
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let tenant: Tenant;
  let ctx: MiCtx;
  let app: ReturnType<typeof createApp>;
  let line: string;
  const officer = () =>
    asPrincipal({ tenantId: tenant.id, roles: ["mi_officer"], scopes: ["mi:read", "mi:write"] });
  const upload = (body: string, headers: Record<string, string> = {}) =>
    app.request(`/t/${tenant.slug}/api/v1/medical/batches`, {
      method: "POST",
      headers: { ...officer(), "content-type": "application/x-ndjson", ...headers },
      body,
    });
  const written = () =>
    withTenant(db, tenant, async (tx) => ({
      settlements: Number((await tx.select({ n: count() }).from(miSettlements))[0]?.n),
      accumulators: Number((await tx.select({ n: count() }).from(miAccumulators))[0]?.n),
    }));

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    tenants = tenantFactory(db);
    tenant = await tenants.create();
    ctx = await setupMedical(db, tenant);
    // testDeps sets the app-wide limit to 2 KiB, far below the batch route's own.
    app = createApp(testDeps(db, { authenticator: testAuthenticator }));
    medicalModule.register(app);
    const p = await employee(ctx);
    line = JSON.stringify({
      personId: p.id,
      institutionCode: INSTITUTIONS["1"],
      visitType: "outpatient",
      date: "2026-06-01",
      items: [{ code: "A1", class: "甲", quantity: 1, unitPrice: 1000 }],
    });
  });
  afterAll(async () => {
    await tenants.cleanup();
    await db.close();
  });

  it("has its own limit: a batch far above the app-wide limit settles; other routes keep 2 KiB", async () => {
    const body = Array.from({ length: 40 }, () => line).join("\n");
    expect(body.length).toBeGreaterThan(2048);
    const res = await upload(body);
    expect(res.status).toBe(200);
    expect(await readJson(res)).toMatchObject({ lines: 40, settled: 40, rejected: 0 });
    const other = await app.request(`/t/${tenant.slug}/api/v1/medical/settlements`, {
      method: "POST",
      headers: { ...officer(), "content-type": "application/json" },
      body: JSON.stringify({ ...JSON.parse(line), note: "x".repeat(3000) }),
    });
    expect(other.status).toBe(413);
  });

  it("answers 413 and writes nothing for a body over the route's limit, announced or streamed", async () => {
    const before = await written();
    const lines = Math.ceil((BATCH_BODY_LIMIT + 1) / (line.length + 1));
    const big = Array.from({ length: lines }, () => line).join("\n");
    expect(big.length).toBeGreaterThan(BATCH_BODY_LIMIT);
    const announced: Record<string, string>[] = [{ "content-length": String(big.length) }, {}];
    for (const headers of announced) {
      const res = await upload(big, headers);
      expect(res.status).toBe(413);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect((await readJson(res)).type).toBe("/problems/payload_too_large");
    }
    expect(await written()).toEqual(before);
  });

  it(`answers 413 and writes nothing for more than ${BATCH_MAX_CLAIMS} claims within the byte limit`, async () => {
    const before = await written();
    const body = Array.from({ length: BATCH_MAX_CLAIMS + 1 }, () => line).join("\n");
    expect(body.length).toBeLessThan(BATCH_BODY_LIMIT);
    const res = await upload(body);
    expect(res.status).toBe(413);
    expect((await readJson(res)).detail).toContain(`at most ${BATCH_MAX_CLAIMS} claims`);
    expect(await written()).toEqual(before);
  });
});
