import { totpCode } from "@zhengyun/auth";
import { ensureBillingCatalog } from "@zhengyun/billing";
import { ManualClock } from "@zhengyun/core";
import { type Database, platformSchema } from "@zhengyun/db";
import { findTenantBySlug } from "@zhengyun/tenancy";
import { listPages } from "@zhengyun/web";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityFactory, TEST_PASSWORD } from "../harness/identity.ts";
import {
  drivers,
  openTestDatabase,
  randomSlug,
  type Tenant,
  tenantFactory,
} from "../harness/index.ts";
import { Browser, textOf, userIdByEmail, webApp } from "./helpers.ts";

describe.each(drivers())("web console on %s", (driver) => {
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let ids: ReturnType<typeof identityFactory>;
  const clock = new ManualClock("2026-03-02T01:00:00Z");
  let app: ReturnType<typeof webApp>;
  let a: Tenant;
  let b: Tenant;

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    tenants = tenantFactory(db);
    ids = identityFactory(db, clock);
    app = webApp(db, clock);
    a = await tenants.create({ name: "测试甲区" });
    b = await tenants.create({ name: "测试乙区" });
  });

  afterAll(async () => {
    await ids.cleanup([a.id, b.id]);
    await tenants.cleanup();
  });

  /** A browser carrying a staff session of `role` (TOTP done through the auth verbs). */
  async function staff(role: string, tenantId: string | null) {
    const u = await ids.create({ role, tenantId });
    const browser = new Browser(app);
    browser.cookies.set("zy_session", await ids.signInStaff(u.email, tenantId));
    return browser;
  }

  it("chooses the language by query, then cookie, then Accept-Language", async () => {
    const anon = new Browser(app);
    expect(await (await anon.get("/")).text()).toContain('<html lang="zh-CN">');
    const en = await anon.get("/", { "accept-language": "en-US,en;q=0.9" });
    expect(await en.text()).toContain('<html lang="en">');
    const chosen = await anon.get("/?lang=en", { "accept-language": "zh-CN" });
    expect(await chosen.text()).toContain("Sign in");
    // The explicit choice is remembered in a cookie and wins over Accept-Language.
    const later = await anon.get("/", { "accept-language": "zh-CN" });
    expect(await later.text()).toContain('<html lang="en">');
  });

  it("sends the signed-out to sign-in, keeping the language and the page", async () => {
    const res = await new Browser(app).get("/console/tenants?lang=en");
    expect(res.status).toBe(303);
    const to = new URL(res.headers.get("location") ?? "", "http://localhost");
    expect(to.pathname).toBe("/");
    expect(to.searchParams.get("next")).toBe("/console/tenants");
    expect(to.searchParams.get("lang")).toBe("en");
  });

  it("signs an operator in with TOTP through the forms, then lists tenants", async () => {
    const op = await ids.create({ role: "operator", tenantId: null });
    const browser = new Browser(app);
    const enrol = await browser.post("/sign-in", {
      login: op.email,
      password: TEST_PASSWORD,
      next: "/console/tenants",
    });
    const html = await enrol.text();
    const secret = textOf(html, "secret");
    expect(secret).toMatch(/^[A-Z2-7]+$/);
    expect(browser.cookies.has("zy_session")).toBe(false);
    clock.advance(30_000);
    const done = await browser.post("/sign-in/totp", {
      code: totpCode(secret ?? "", clock.now()),
      next: "/console/tenants",
    });
    expect(done.status).toBe(200); // recovery codes, shown once
    expect(await done.text()).toMatch(/<code>[0-9A-Z-]{6,}<\/code>/);
    expect(browser.cookies.has("zy_session")).toBe(true);
    const list = await browser.get(`/console/tenants?q=${a.slug}`);
    const body = await list.text();
    expect(list.status).toBe(200);
    expect(body).toContain(a.name);
    expect(body).not.toContain(b.name);
    expect(body).toContain("<svg");
    expect(await (await browser.get("/")).status).toBe(303);
  });

  it("refuses a wrong password with the form kept and nothing signed in", async () => {
    const op = await ids.create({ role: "operator", tenantId: null });
    const browser = new Browser(app);
    const res = await browser.post("/sign-in", { login: op.email, password: "wrong-Pass-1" });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain(`value="${op.email}"`);
    expect(html).toContain('aria-invalid="true"');
    expect(browser.cookies.has("zy_session")).toBe(false);
  });

  it("onboards a tenant with inline errors first, then its first admin; suspends and resumes it", async () => {
    const browser = await staff("operator", null);
    const bad = await browser.post("/console/tenants/new?lang=en", {
      name: "新区",
      slug: "Bad Slug!",
      level: "district",
      domains: "",
      adminEmail: "not-an-email",
    });
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(badHtml).toContain('value="Bad Slug!"');
    expect(badHtml).toMatch(/id="f-adminEmail-err"[^>]*>Please check this field/);
    expect(await findTenantBySlug(db, "Bad Slug!")).toBeUndefined();

    const slug = randomSlug("web");
    const email = `admin-${slug}@example.test`;
    await ensureBillingCatalog(db);
    const form = await (await browser.get("/console/tenants/new")).text();
    expect(form).toContain('name="module_portal"');
    const ok = await browser.post("/console/tenants/new", {
      name: "网页新区",
      slug,
      level: "street",
      domains: "",
      adminEmail: email,
      module_portal: "on",
      module_community: "on",
    });
    expect(ok.status).toBe(200);
    const made = await findTenantBySlug(db, slug);
    expect(made?.status).toBe("active");
    if (made) tenants.track(made);
    // The modules step put the ticked modules under contract and subscribed them from today.
    const subs = await db.orm
      .select({ module: platformSchema.subscriptions.module })
      .from(platformSchema.subscriptions)
      .where(eq(platformSchema.subscriptions.tenantId, made?.id ?? ""));
    expect(subs.map((r) => r.module).sort()).toEqual(["community", "portal"]);
    const adminId = await userIdByEmail(db, email);
    if (adminId) await ids.track(adminId);
    expect(textOf(await ok.text(), "secret")).toBeTruthy();

    const again = await browser.post("/console/tenants/new", {
      name: "重复",
      slug,
      level: "street",
      domains: "",
      adminEmail: email,
    });
    expect(again.status).toBe(400);

    expect((await browser.get(`/console/tenants/${slug}/suspend`)).status).toBe(200);
    const suspended = await browser.post(`/console/tenants/${slug}/suspend`, {});
    expect(suspended.status).toBe(303);
    expect((await findTenantBySlug(db, slug))?.status).toBe("suspended");
    const detail = await browser.get(`/console/tenants/${slug}`);
    // The earlier ?lang=en choice stuck in its cookie.
    expect(await detail.text()).toContain("Suspended");
    await browser.post(`/console/tenants/${slug}/resume`, {});
    expect((await findTenantBySlug(db, slug))?.status).toBe("active");
  });

  it("refuses a cross-site form post", async () => {
    const browser = await staff("operator", null);
    const slug = randomSlug("web");
    const res = await browser.post(
      "/console/tenants/new",
      { name: "x", slug, level: "city", adminEmail: "a@example.test" },
      { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
    );
    expect(res.status).toBe(403);
    expect(await findTenantBySlug(db, slug)).toBeUndefined();
  });

  it("shows the 403 page to a wrong role and 404 to another tenant's staff, with the request id", async () => {
    const finance = await staff("finance", null);
    const refused = await finance.get("/console/tenants/new", {
      "x-request-id": "req-web-403-test",
    });
    expect(refused.status).toBe(403);
    const html = await refused.text();
    expect(html).toContain("req-web-403-test");
    expect(html).not.toMatch(/at .*\.ts:\d+/);

    const adminA = await staff("tenant_admin", a.id);
    expect((await adminA.get(`/t/${a.slug}/console/api-keys`)).status).toBe(200);
    expect((await adminA.get(`/t/${a.slug}/console/staff`)).status).toBe(403);
    expect((await adminA.get(`/t/${b.slug}/console/api-keys`)).status).toBe(404);
    expect((await adminA.get("/console/tenants")).status).toBe(403);
  });

  it("lets the tenant's security admin create a staff account", async () => {
    const sec = await staff("tenant_security_admin", a.id);
    const email = `officer-${randomSlug()}@example.test`;
    const res = await sec.post(`/t/${a.slug}/console/staff`, {
      displayName: "王办件",
      login: email,
      role: "case_officer",
    });
    expect(res.status).toBe(200);
    const id = await userIdByEmail(db, email);
    expect(id).toBeDefined();
    if (id) await ids.track(id);
    const html = await res.text();
    expect(html).toContain("王办件");
    expect(html).toContain("办件人员");
  });

  it("creates and revokes an API key with a confirmation step", async () => {
    const admin = await staff("tenant_admin", a.id);
    const made = await admin.post(`/t/${a.slug}/console/api-keys`, {
      name: "对接系统",
      scope: "read",
    });
    expect(made.status).toBe(200);
    const html = await made.text();
    expect(html).toMatch(/zy_[A-Za-z0-9]+_[A-Za-z0-9_-]+/);
    const revokeLink = /href="(\/t\/[^"]+\/revoke)"/.exec(html)?.[1] ?? "";
    expect((await admin.get(revokeLink)).status).toBe(200);
    expect((await admin.post(revokeLink, {})).status).toBe(303);
    expect(await (await admin.get(`/t/${a.slug}/console/api-keys`)).text()).not.toContain(
      "对接系统",
    );
  });

  it("registers a citizen on the portal and signs them in", async () => {
    const citizen = new Browser(app);
    const email = `citizen-${randomSlug()}@example.test`;
    const weak = await citizen.post(`/t/${a.slug}/register`, {
      displayName: "李市民",
      login: email,
      password: "short",
    });
    expect(weak.status).toBe(400);
    expect(await weak.text()).toContain('value="李市民"');
    const res = await citizen.post(`/t/${a.slug}/register`, {
      displayName: "李市民",
      login: email,
      password: TEST_PASSWORD,
    });
    expect(res.status).toBe(303);
    const id = await userIdByEmail(db, email);
    if (id) await ids.track(id);
    expect(await (await citizen.get(`/t/${a.slug}/`)).text()).toContain("李市民");
    // A citizen is not staff, not even of their own tenant.
    expect((await citizen.get(`/t/${a.slug}/console/staff`)).status).toBe(403);
  });

  it("carries a support-access request from the operator to the tenant admin's approval", async () => {
    const op = await staff("operator", null);
    const body = new URLSearchParams([
      ["tenant", a.slug],
      ["scope", "cases:read"],
      ["scope", "portal:read"],
      ["reason", "排查办件列表加载缓慢"],
      ["minutes", "60"],
    ]).toString();
    const asked = await app.request("http://localhost/console/support", {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: "http://localhost",
        cookie: `zy_session=${op.cookies.get("zy_session")}`,
      },
      body,
    });
    expect(asked.status).toBe(303);
    const mine = await (await op.get("/console/support")).text();
    expect(mine).toContain("cases:read, portal:read");
    expect(mine).toContain("待批准");

    const admin = await staff("tenant_admin", a.id);
    const list = await (await admin.get(`/t/${a.slug}/console/support`)).text();
    const approve = /action="(\/t\/[^"]+\/approve)"/.exec(list)?.[1] ?? "";
    expect(approve).not.toBe("");
    expect((await admin.post(approve, {})).status).toBe(303);
    expect(await (await admin.get(`/t/${a.slug}/console/support`)).text()).toContain("已批准");
    // Another tenant's admin sees none of it.
    const adminB = await staff("tenant_admin", b.id);
    expect(await (await adminB.get(`/t/${b.slug}/console/support`)).text()).not.toContain(
      "排查办件",
    );
  });

  it("shows the tenant's audit log to its auditor only", async () => {
    const auditor = await staff("tenant_auditor", a.id);
    expect((await auditor.get(`/t/${a.slug}/console/audit`)).status).toBe(200);
    const admin = await staff("tenant_admin", a.id);
    expect((await admin.get(`/t/${a.slug}/console/audit`)).status).toBe(403);
  });

  it("records every page with its permission for the route matrix", () => {
    const pages = listPages(app);
    expect(pages.length).toBeGreaterThan(20);
    const staffPage = pages.find(
      (p) => p.path === "/t/{tenant}/console/staff" && p.method === "POST",
    );
    expect(staffPage).toMatchObject({ permission: "tenant.accounts:manage", tenantScoped: true });
    for (const p of pages) expect(p.permission).toBeTruthy();
  });
});
