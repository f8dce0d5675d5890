import { ManualClock } from "@zhengyun/core";
import { type Database, query } from "@zhengyun/db";
import { findTenantBySlug } from "@zhengyun/tenancy";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityFactory, TEST_PASSWORD } from "../harness/identity.ts";
import {
  drivers,
  openTestDatabase,
  randomSlug,
  type Tenant,
  tenantFactory,
} from "../harness/index.ts";
import { Browser, userIdByEmail, webApp } from "./helpers.ts";

type Row = { action: string; result: string; actor_id: string | null; ip: string | null };

/** Actions done through pages write the same audit records as the JSON routes. */
describe.each(drivers())("audit of page actions on %s", (driver) => {
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let ids: ReturnType<typeof identityFactory>;
  const clock = new ManualClock("2026-03-02T01:00:00Z");
  let app: ReturnType<typeof webApp>;
  let a: Tenant;

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    tenants = tenantFactory(db);
    ids = identityFactory(db, clock);
    app = webApp(db, clock, { SIGN_IN_PER_IP_PER_MIN: "8", SIGN_IN_MAX_FAILURES: "3" });
    a = await tenants.create({ name: "审计甲区" });
  });
  afterAll(async () => {
    await ids.cleanup([a.id]);
    await tenants.cleanup();
  });

  const tenantLog = (t: Tenant, actorId: string) =>
    query<Row>(
      db.orm,
      sql`select action, result, actor_id, ip from ${sql.identifier(t.schemaName)}.audit_log
          where actor_id = ${actorId} order by seq`,
    );
  const vendorLog = (filter: { actorId?: string; objectId?: string }) =>
    query<Row>(
      db.orm,
      sql`select action, result, actor_id, ip from platform.audit_log
          where ${filter.actorId ? sql`actor_id = ${filter.actorId}` : sql`object_id = ${filter.objectId ?? ""}`}
          order by seq`,
    );

  it("writes sign-in failures and the lockout of tenant staff into the tenant's chain", async () => {
    const u = await ids.create({ role: "case_officer", tenantId: a.id });
    const browser = new Browser(app);
    const ip = { "cf-connecting-ip": "198.51.100.7" };
    const post = (password: string) =>
      browser.post(`/t/${a.slug}/console/sign-in`, { login: u.email, password }, ip);
    for (let i = 0; i < 3; i++) expect((await post("Wrong-Pass-1")).status).toBe(400);
    // Locked after the configured 3 failures, even with the right password.
    expect((await post(TEST_PASSWORD)).status).toBe(429);
    const log = await tenantLog(a, u.id);
    expect(log.map((r) => [r.action, r.result])).toEqual([
      ["auth.sign_in", "failure"],
      ["auth.sign_in", "failure"],
      ["auth.lockout", "failure"],
    ]);
    expect(log.every((r) => r.ip === "198.51.100.7")).toBe(true);
  });

  it("records a vendor operator's sign-in failure in the vendor chain", async () => {
    const op = await ids.create({ role: "operator", tenantId: null });
    const res = await new Browser(app).post("/sign-in", {
      login: op.email,
      password: "Wrong-Pass-1",
    });
    expect(res.status).toBe(400);
    const log = await vendorLog({ actorId: op.id });
    expect(log.map((r) => [r.action, r.result])).toEqual([["auth.sign_in", "failure"]]);
  });

  it("limits sign-in attempts per IP like the JSON route (429 with the form)", async () => {
    const browser = new Browser(app);
    const ip = { "cf-connecting-ip": "198.51.100.99" };
    const statuses: number[] = [];
    // Fresh login names each run: lockout counters per login name persist in a shared Postgres.
    const run = randomSlug("nobody");
    for (let i = 0; i < 9; i++) {
      const res = await browser.post(
        "/sign-in",
        { login: `${run}-${i}@example.test`, password: "x" },
        ip,
      );
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 8).every((s) => s === 400)).toBe(true);
    expect(statuses[8]).toBe(429);
  });

  it("audits staff created by the tenant's security admin in the tenant's chain", async () => {
    const sec = await ids.create({ role: "tenant_security_admin", tenantId: a.id });
    const browser = new Browser(app);
    browser.cookies.set("zy_session", await ids.signInStaff(sec.email, a.id));
    const email = `officer-${randomSlug()}@example.test`;
    const res = await browser.post(`/t/${a.slug}/console/staff`, {
      displayName: "李审计",
      login: email,
      role: "case_officer",
    });
    expect(res.status).toBe(200);
    const id = await userIdByEmail(db, email);
    if (id) await ids.track(id);
    const log = await tenantLog(a, sec.id);
    expect(log.some((r) => r.action.startsWith("user.") && r.result === "success")).toBe(true);
  });

  it("audits tenant creation, suspension and resumption from the pages in the vendor chain", async () => {
    const op = await ids.create({ role: "operator", tenantId: null });
    const browser = new Browser(app);
    browser.cookies.set("zy_session", await ids.signInStaff(op.email, null));
    const slug = randomSlug("aud");
    const email = `admin-${slug}@example.test`;
    const form = { name: "审计新区", slug, level: "street", domains: "", adminEmail: email };
    expect((await browser.post("/console/tenants/new", form)).status).toBe(200);
    const made = await findTenantBySlug(db, slug);
    if (made) tenants.track(made);
    const adminId = await userIdByEmail(db, email);
    if (adminId) await ids.track(adminId);
    // The same slug again: refused inline by tenancy's shared check, nothing new written.
    expect((await browser.post("/console/tenants/new", form)).status).toBe(400);
    await browser.post(`/console/tenants/${slug}/suspend`, {});
    await browser.post(`/console/tenants/${slug}/resume`, {});
    const log = await vendorLog({ objectId: made?.id ?? "" });
    expect(log.map((r) => r.action)).toEqual(["tenant.create", "tenant.suspend", "tenant.resume"]);
    expect(log.every((r) => r.actor_id === op.id)).toBe(true);
  });
});
