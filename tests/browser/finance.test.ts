// First: zod-openapi must extend zod before any module builds schemas with `.openapi`.
import "@zhengyun/api";
import { confirmTotp, createUser, enrollTotp, totpCode } from "@zhengyun/auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumAvailable, type DemoServer, startDemoServer, step } from "./browser.ts";

const PASSWORD = "Zy-browser-Pass9";
const FINANCE = "finance@browser.test";

/** Finance's month-end in a real browser against a real server (PGlite with the demo's billing). */
describe.runIf(chromiumAvailable())("browser finance journey", () => {
  let demo: DemoServer;
  let secret = "";

  beforeAll(async () => {
    demo = await startDemoServer({
      name: "fin",
      async boot(rt) {
        const ctx = { db: rt.db, secretKey: rt.secrets.sessionSecret };
        const u = await createUser({
          ctx,
          input: { login: FINANCE, password: PASSWORD, role: "finance" },
        });
        secret = (await enrollTotp({ ctx, input: { userId: u.id } })).secret;
        await confirmTotp({ ctx, input: { userId: u.id, code: totpCode(secret, new Date()) } });
      },
    });
  });

  afterAll(() => demo?.close());

  it("finance runs last month's billing, reviews and adjusts a draft, approves, issues and downloads its PDF", async () => {
    const page = await demo.page({ acceptDownloads: true });
    await page.goto(`${demo.url}/console/billing/run`);
    await page.getByLabel("邮箱或手机号").fill(FINANCE);
    await page.getByLabel("密码").fill(PASSWORD);
    await page.getByRole("button", { name: "登录" }).click();
    await page.getByLabel("验证码").fill(totpCode(secret, new Date(Date.now() + 30_000)));
    await page.getByRole("button", { name: "继续" }).click();
    await page.waitForURL(/\/console\/billing\/run/);
    await step(page, "fin-01-run-form");

    await page.getByRole("button", { name: "开票" }).click();
    await page.waitForURL(/\/console\/billing\?period=/);
    expect(await page.textContent("main")).toContain("开票完成");
    await step(page, "fin-02-drafts");

    await page.locator("main table tbody tr a").first().click();
    await page.waitForURL(/\/console\/billing\/invoices\//);
    expect(await page.textContent("main")).toContain("草稿");
    expect(await page.locator("main svg").count()).toBeGreaterThan(0);
    await step(page, "fin-03-draft");

    await page.getByLabel("调整后金额（分）").fill("100");
    await page.getByLabel("调整原因").fill("客户协商减免");
    await page.getByRole("button", { name: "调整金额" }).click();
    expect(await page.textContent("main")).toContain("已调整");
    await step(page, "fin-04-adjusted");

    await page.getByRole("button", { name: "审核通过" }).click();
    await page.getByRole("button", { name: "开具" }).click();
    expect(await page.textContent("main")).toContain("已开具");
    await step(page, "fin-05-issued");

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "下载 PDF" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.pdf$/);
    const path = await download.path();
    expect(path).toBeTruthy();
    await page.context().close();
  });
});
