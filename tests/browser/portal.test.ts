// First: zod-openapi must extend zod before any module builds schemas with `.openapi`.
import "@zhengyun/api";
import { confirmTotp, createUser, enrollTotp, totpCode } from "@zhengyun/auth";
import { findTenantBySlug } from "@zhengyun/tenancy";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumAvailable, type DemoServer, startDemoServer, step } from "./browser.ts";

/** The demo accounts' shared password and citizen (packages/demo/src/accounts.ts). */
const DEMO_PASSWORD = "Zhengyun-Demo-2026";
const DEMO_CITIZEN = "citizen@demo.example";
const OFFICER = "officer@portal-browser.test";
const PASSWORD = "Zy-browser-Pass9";
const PDF = Buffer.from(
  "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
);
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

/**
 * 办件 end to end on the demo's 东城区: a citizen applies with an upload, an officer (TOTP) asks for
 * a correction, the citizen supplies it, the officer accepts, approves and issues the certificate,
 * and anyone verifies it.
 */
describe.runIf(chromiumAvailable())("browser: portal application journey", () => {
  let demo: DemoServer;
  let secret = "";

  beforeAll(async () => {
    demo = await startDemoServer({
      name: "portal",
      async boot(rt) {
        // A case officer with a confirmed authenticator, so the sign-in asks for the second factor.
        const dongcheng = await findTenantBySlug(rt.db, "dongcheng");
        const ctx = { db: rt.db, secretKey: rt.secrets.sessionSecret };
        const u = await createUser({
          ctx,
          input: {
            login: OFFICER,
            password: PASSWORD,
            role: "case_officer",
            tenantId: dongcheng?.id,
          },
        });
        secret = (await enrollTotp({ ctx, input: { userId: u.id } })).secret;
        await confirmTotp({ ctx, input: { userId: u.id, code: totpCode(secret, new Date()) } });
      },
    });
  }, 240_000);

  afterAll(() => demo?.close());

  const main = async (page: Page) => (await page.locator("main").textContent()) ?? "";

  it("apply with an upload → correction → supplied → accepted, approved, certificate → verified", async () => {
    const base = `${demo.url}/t/dongcheng`;
    // The demo citizen signs in and finds the demo's applications as their own.
    const citizen = await demo.page();
    await citizen.goto(`${base}/sign-in`);
    await citizen.getByLabel("邮箱或手机号").fill(DEMO_CITIZEN);
    await citizen.getByLabel("密码").fill(DEMO_PASSWORD);
    await citizen.getByRole("button", { name: "登录" }).click();
    await citizen.getByRole("link", { name: "我的办件" }).click();
    expect(await main(citizen)).toContain("已办结");
    await step(citizen, "portal-01-my-applications");

    await citizen.getByRole("link", { name: "办事指南" }).click();
    await citizen.getByRole("link", { name: "在线申请 · 食品经营许可", exact: true }).click();
    await step(citizen, "portal-02-apply-form");
    await citizen.getByLabel("申请人姓名").fill("赵浏览");
    await citizen.getByLabel("申请事由").fill("开设便利店");
    await citizen
      .getByLabel("申请表", { exact: true })
      .setInputFiles({ name: "申请表.pdf", mimeType: "application/pdf", buffer: PDF });
    // With JavaScript the file goes to storage through the API's presigned upload.
    const presigned = citizen.waitForResponse(
      (r) => r.url().endsWith("/api/v1/portal/uploads") && r.status() === 201,
    );
    await citizen.getByRole("button", { name: "在线申请" }).click();
    await presigned;
    await citizen.waitForURL(/\/track\/\w+/);
    const tracking = /track\/(\w+)/.exec(citizen.url())?.[1] ?? "";
    expect(await citizen.locator(".flash").textContent()).toContain(`办件编号 ${tracking}`);
    expect(await main(citizen)).toContain("已接收");
    expect(await main(citizen)).toContain("申请表");
    await step(citizen, "portal-03-received");

    // The officer signs in with the second factor and finds it in the queue.
    const staff = await demo.page();
    await staff.goto(`${base}/console/sign-in`);
    await staff.getByLabel("邮箱或手机号").fill(OFFICER);
    await staff.getByLabel("密码").fill(PASSWORD);
    await staff.getByRole("button", { name: "登录" }).click();
    // The next step's code: the step used to confirm enrolment cannot be used again.
    await staff.getByLabel("验证码").fill(totpCode(secret, new Date(Date.now() + 30_000)));
    await staff.getByRole("button", { name: "继续" }).click();
    await staff.getByRole("link", { name: "办件队列" }).click();
    await step(staff, "portal-04-queue");
    await staff.getByRole("link", { name: tracking }).click();
    expect(await main(staff)).toContain("赵浏览");
    await step(staff, "portal-05-case");

    // One-time notice: everything missing at once (the browser itself asks for the list first).
    expect(await staff.getAttribute("#f-notice_missing", "required")).not.toBeNull();
    await staff.getByLabel("需补正的材料（每行一项）").fill("身份证明\n其他证明材料（经营场所）");
    await staff.getByRole("button", { name: "一次性告知" }).click();
    expect(await staff.locator("[data-state]").first().textContent()).toBe("一次性告知补正");
    await step(staff, "portal-06-notice");

    // The citizen sees what is missing and uploads it.
    await citizen.reload();
    expect(await main(citizen)).toContain("请补正以下材料（一次性告知）");
    await step(citizen, "portal-07-notice-seen");
    await citizen
      .getByLabel("身份证明", { exact: true })
      .setInputFiles({ name: "身份证.png", mimeType: "image/png", buffer: PNG });
    await citizen
      .getByLabel("其他证明材料（经营场所）")
      .setInputFiles({ name: "场所.pdf", mimeType: "application/pdf", buffer: PDF });
    await citizen.getByRole("button", { name: "提交补正材料" }).click();
    expect(await citizen.locator(".flash").textContent()).toContain("补正材料已提交");
    expect(await main(citizen)).toContain("已接收");
    expect(await main(citizen)).toContain("身份证明");
    await step(citizen, "portal-08-supplied");

    // The officer accepts, reviews, approves and issues the certificate.
    await staff.reload();
    expect(await main(staff)).toContain("身份证明");
    for (const [button, state] of [
      ["受理", "已受理"],
      ["开始审查", "审查中"],
      ["准予", "准予许可"],
    ] as const) {
      await staff.getByRole("button", { name: button, exact: true }).click();
      expect(await staff.locator("[data-state]").first().textContent()).toBe(state);
    }
    await step(staff, "portal-09-approved");
    await staff.getByLabel("有效期至（留空为长期）").fill("2031-12-31");
    await staff.getByRole("button", { name: "签发证照" }).click();
    expect(await staff.locator(".flash").textContent()).toMatch(/已签发证照 \d{4}-\w{8}/);
    await step(staff, "portal-10-issued");

    // The citizen follows the certificate to its verification; so can anyone with the link.
    await citizen.reload();
    expect(await main(citizen)).toContain("电子证照");
    await citizen.getByRole("link", { name: "查看核验结果" }).click();
    const verifyUrl = citizen.url();
    expect(verifyUrl).toMatch(/\/verify\/\w+$/);
    const visitor = await demo.page();
    await visitor.goto(verifyUrl);
    const shown = await main(visitor);
    expect(shown).toContain("有效");
    expect(shown).toContain("赵浏览");
    expect(shown).toContain("食品经营许可");
    expect(shown).toContain("2031-12-31");
    await step(visitor, "portal-11-verified");
    for (const p of [citizen, staff, visitor]) await p.context().close();
  });
});
