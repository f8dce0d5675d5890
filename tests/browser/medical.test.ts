// First: zod-openapi must extend zod before any module builds schemas with `.openapi`.
import "@zhengyun/api";
import { miPersons, miSettlements } from "@zhengyun/medical-insurance";
import { findTenantBySlug, withTenant } from "@zhengyun/tenancy";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumAvailable, type DemoServer, startDemoServer, step } from "./browser.ts";

/** The medical-insurance officer's journey on a real server with the demo (PGlite in a temp dir). */
/** The demo accounts' shared password (packages/demo/src/accounts.ts). */
const DEMO_PASSWORD = "Zhengyun-Demo-2026";

describe.runIf(chromiumAvailable())("browser: medical insurance officer", () => {
  let demo: DemoServer;

  // Seeding the demo's three tenants is the slow part on a busy 2-core machine.
  beforeAll(async () => {
    demo = await startDemoServer({ name: "mi" });
  }, 240_000);

  afterAll(() => demo?.close());

  it("the demo officer finds a person, pre-settles and settles a claim, and reverses it", async () => {
    const tenant = await findTenantBySlug(demo.rt.db, "dongcheng");
    if (!tenant) throw new Error("demo tenant missing");
    const [person] = await withTenant(demo.rt.db, tenant, (tx) =>
      tx
        .select()
        .from(miPersons)
        .where(and(eq(miPersons.scheme, "310"), eq(miPersons.status, "active")))
        .limit(1),
    );
    if (!person) throw new Error("demo has no active employee");

    const page = await demo.page();
    await page.goto(`${demo.url}/t/dongcheng/console/sign-in`);
    await page.getByLabel("邮箱或手机号").fill("mi@dongcheng.example");
    await page.getByLabel("密码").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "登录" }).click();
    await page.getByRole("link", { name: "参保人员" }).click();
    await step(page, "mi-01-search");

    await page.getByLabel("姓名、身份证号或人员编号").fill(person.name);
    await page.getByRole("button", { name: "查询" }).click();
    await step(page, "mi-02-results");
    // The list shows the ID masked, never in full.
    expect(await page.content()).not.toContain(person.nationalId);
    await page.locator(`a[href*="persons/${person.id}"]`).click();
    await expect.poll(() => page.locator("h1").textContent()).toContain(person.name);
    await step(page, "mi-03-record");

    await page.getByRole("link", { name: "为此人预结算" }).click();
    await step(page, "mi-04-claim-form");
    await page.getByLabel("定点机构").selectOption("H2000001");
    await page.locator("#f-items\\.0\\.code").fill("YP00001");
    await page.locator("#f-items\\.0\\.class").selectOption("A");
    await page.locator("#f-items\\.0\\.quantity").fill("2");
    await page.locator("#f-items\\.0\\.unitPrice").fill("1500.00");
    await page.getByRole("button", { name: "预结算" }).click();
    await expect.poll(() => page.locator("#preview").count()).toBe(1);
    expect(await page.content()).toContain("¥3,000.00");
    await step(page, "mi-05-preview");

    await page.getByRole("button", { name: "确认结算" }).click();
    await expect.poll(() => page.locator(".flash").textContent()).toContain("已结算");
    await step(page, "mi-06-settled");
    const [s] = await withTenant(demo.rt.db, tenant, (tx) =>
      tx
        .select()
        .from(miSettlements)
        .where(and(eq(miSettlements.personId, person.id), eq(miSettlements.medfeeSumamt, 300000))),
    );
    expect(s?.status).toBe("settled");

    await page.getByRole("link", { name: `冲正 ${s?.id}` }).click();
    await step(page, "mi-07-confirm-reversal");
    await page.getByLabel("冲正原因").fill("收费录入错误");
    await page.getByRole("button", { name: "确认冲正" }).click();
    await expect.poll(() => page.locator(".flash").textContent()).toContain("已冲正");
    await step(page, "mi-08-reversed");
    const [after] = await withTenant(demo.rt.db, tenant, (tx) =>
      tx
        .select()
        .from(miSettlements)
        .where(eq(miSettlements.id, s?.id ?? "")),
    );
    expect(after?.status).toBe("reversed");

    // The officer's other pages pass the same scan.
    const others = ["结算审核", "定点机构", "政策参数", "批量导入", "月度清算"];
    for (const [i, name] of others.entries()) {
      await page.getByRole("link", { name, exact: true }).click();
      await expect.poll(() => page.locator("h1").textContent()).not.toContain("冲正");
      await step(page, `mi-${String(9 + i).padStart(2, "0")}-${name}`);
    }
    await page.getByRole("link", { name: "政策参数", exact: true }).click();
    await page.getByRole("link", { name: "新增参数" }).click();
    await step(page, "mi-14-parameters-editor");
  });
});
