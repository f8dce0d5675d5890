// First: zod-openapi must extend zod before any module builds schemas with `.openapi` (see report).
import "@zhengyun/api";
import { confirmTotp, createUser, enrollTotp, totpCode } from "@zhengyun/auth";
import { findTenantBySlug } from "@zhengyun/tenancy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumAvailable, type DemoServer, startDemoServer, step } from "./browser.ts";

const PASSWORD = "Zy-browser-Pass9";
const OPERATOR = "operator@browser.test";

/** One browser and one real server (PGlite in a temp DATA_DIR, with the demo) for every journey. */
describe.runIf(chromiumAvailable())("browser journeys", () => {
  let demo: DemoServer;
  let operatorSecret = "";

  beforeAll(async () => {
    demo = await startDemoServer({
      name: "journeys",
      async boot(rt) {
        // An operator with a confirmed authenticator, as the demo's otpauth enrolment would give.
        const ctx = { db: rt.db, secretKey: rt.secrets.sessionSecret };
        const op = await createUser({
          ctx,
          input: { login: OPERATOR, password: PASSWORD, role: "operator" },
        });
        operatorSecret = (await enrollTotp({ ctx, input: { userId: op.id } })).secret;
        await confirmTotp({
          ctx,
          input: { userId: op.id, code: totpCode(operatorSecret, new Date()) },
        });
      },
    });
  });

  afterAll(() => demo?.close());

  const fresh = () => demo.page();
  let tenantSlug = "";
  let adminPassword = "";

  it("an operator signs in with TOTP and onboards a tenant", async () => {
    const page = await fresh();
    await page.goto(`${demo.url}/`);
    expect(await page.getAttribute("html", "lang")).toBe("zh-CN");
    await step(page, "01-operator-sign-in");
    await page.getByLabel("邮箱或手机号").fill(OPERATOR);
    await page.getByLabel("密码").fill(PASSWORD);
    await page.getByRole("button", { name: "登录" }).click();
    await step(page, "02-operator-totp");
    // The next step's code: the step used to confirm enrolment cannot be used again.
    await page.getByLabel("验证码").fill(totpCode(operatorSecret, new Date(Date.now() + 30_000)));
    await page.getByRole("button", { name: "继续" }).click();
    await page.waitForURL(/\/console\/tenants/);
    expect(await page.textContent("main")).toContain("北京市");
    await step(page, "03-tenants-list");

    await page.getByRole("link", { name: "新建租户" }).click();
    await step(page, "04-onboard-form");
    tenantSlug = `browser-${Date.now().toString(36)}`;
    await page.getByLabel("名称").fill("浏览器测试区");
    await page.getByLabel("标识", { exact: true }).fill(tenantSlug);
    await page.getByLabel("管理员邮箱").fill(`admin@${tenantSlug}.test`);
    await page.getByRole("button", { name: "创建租户" }).click();
    await page.waitForSelector("[data-testid=admin-password]");
    adminPassword = (await page.textContent("[data-testid=admin-password]")) ?? "";
    expect(adminPassword.length).toBeGreaterThan(8);
    await step(page, "05-onboarded");
    await page.getByRole("link", { name: "租户详情" }).click();
    expect(await page.textContent("main")).toContain("正常");
    await step(page, "06-tenant-detail");
    await page.context().close();
  });

  it("the tenant admin enrols TOTP, subscribes to a module and creates an API key; the security admin creates a staff account", async () => {
    const page = await fresh();
    await page.goto(`${demo.url}/t/${tenantSlug}/console/sign-in?lang=en`);
    expect(await page.getAttribute("html", "lang")).toBe("en");
    await page.getByLabel("Email or mobile number").fill(`admin@${tenantSlug}.test`);
    await page.getByLabel("Password").fill(adminPassword);
    await page.getByRole("button", { name: "Sign in" }).click();
    await step(page, "07-admin-enrol-totp");
    const secret = (await page.textContent(".secret")) ?? "";
    await page.getByLabel("Verification code").fill(totpCode(secret, new Date()));
    await page.getByRole("button", { name: "Continue" }).click();
    await step(page, "08-admin-recovery-codes");
    await page.getByRole("link", { name: "Continue" }).click();
    // The vendor's contract with the new tenant allows the community module.
    const t = await findTenantBySlug(demo.rt.db, tenantSlug);
    // Loaded late: billing pulls in metering's schemas, which must be built after zod-openapi extends zod.
    const { createContract } = await import("@zhengyun/billing");
    await createContract(demo.rt.db, {
      tenant: tenantSlug,
      startsOn: "2026-01-01",
      modules: [{ module: "community" }],
    });
    await page.getByRole("link", { name: "Modules" }).click();
    await step(page, "09a-modules");
    await page
      .getByRole("button", { name: /^Subscribe/ })
      .first()
      .click();
    expect(await page.textContent("main")).toContain("Subscribed (since");
    await step(page, "09b-subscribed");
    await page.getByRole("link", { name: "API keys" }).click();
    await page.getByLabel("Name").fill("Open311 bridge");
    await page.getByRole("button", { name: "Create key" }).click();
    expect(await page.textContent("main")).toMatch(/zy_\w+/);
    await step(page, "09-admin-api-key");
    await page.context().close();

    const email = `security@${tenantSlug}.test`;
    await createUser({
      ctx: { db: demo.rt.db },
      input: { login: email, password: PASSWORD, role: "tenant_security_admin", tenantId: t?.id },
    });
    const sec = await fresh();
    await sec.goto(`${demo.url}/t/${tenantSlug}/console/sign-in`);
    await sec.getByLabel("邮箱或手机号").fill(email);
    await sec.getByLabel("密码").fill(PASSWORD);
    await sec.getByRole("button", { name: "登录" }).click();
    await sec.getByRole("link", { name: "工作人员" }).click();
    await step(sec, "10-staff-list");
    await sec.getByLabel("姓名").fill("张办件");
    await sec.getByLabel("邮箱或手机号").fill(`officer@${tenantSlug}.test`);
    await sec.getByLabel("角色").selectOption("case_officer");
    await sec.getByRole("button", { name: "添加工作人员" }).click();
    await sec.waitForSelector("[data-testid=staff-password]");
    expect(await sec.textContent("table")).toContain("张办件");
    await step(sec, "11-staff-created");
    await sec.context().close();
  });

  it("a citizen registers on a tenant's portal", async () => {
    const page = await fresh();
    await page.goto(`${demo.url}/t/beijing/`);
    await step(page, "12-portal");
    await page.getByRole("link", { name: "注册" }).first().click();
    await page.getByLabel("姓名").fill("李市民");
    await page.getByLabel("邮箱或手机号").fill(`citizen-${Date.now()}@browser.test`);
    await page.getByLabel("密码").fill("short");
    await page.getByRole("button", { name: "注册" }).click();
    // Inline error in Chinese, what was typed kept.
    expect(await page.inputValue("#f-displayName")).toBe("李市民");
    expect(await page.getAttribute("#f-password", "aria-invalid")).toBe("true");
    await step(page, "13-register-error");
    await page.getByLabel("密码").fill(PASSWORD);
    await page.getByRole("button", { name: "注册" }).click();
    await page.waitForURL(/\/t\/beijing\/$/);
    expect(await page.textContent("main")).toContain("李市民");
    await step(page, "14-citizen-signed-in");
    await page.context().close();
  });
});
