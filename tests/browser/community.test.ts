// First: zod-openapi must extend zod before any module builds schemas with `.openapi`.
import "@zhengyun/api";
import { createUser } from "@zhengyun/auth";
import {
  assignStaff,
  type CsCtx,
  createSlot,
  csRequests,
  escalateOverdue,
  publishNotice,
} from "@zhengyun/community";
import { systemClock } from "@zhengyun/core";
import { type Tenant, withTenant } from "@zhengyun/tenancy";
import { provisionTenant } from "@zhengyun/tenancy/node";
import { eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedServices, seedTree, type Tree } from "../community/fixtures.ts";
import { chromiumAvailable, type DemoServer, startDemoServer, step } from "./browser.ts";

const PASSWORD = "Zy-browser-Pass9";

/** A resident reports, a street agent handles it, an overdue one escalates, the resident rates it. */
describe.runIf(chromiumAvailable())("community journey in the browser", () => {
  const slug = `cs-${Date.now().toString(36)}`;
  const resident = `resident@${slug}.test`;
  const agent = `agent@${slug}.test`;
  let demo: DemoServer;
  let tenant: Tenant;
  let tree: Tree;

  beforeAll(async () => {
    demo = await startDemoServer({
      name: "cs",
      demo: false,
      async boot(rt) {
        tenant = await provisionTenant(rt.db, { slug, name: "社区测试区", level: "district" });
        const ctx: CsCtx = { db: rt.db, tenant };
        tree = await seedTree(ctx);
        await seedServices(ctx);
        const auth = { db: rt.db };
        await createUser({
          ctx: auth,
          input: { login: resident, password: PASSWORD, role: "citizen", tenantId: tenant.id },
        });
        const staff = await createUser({
          ctx: auth,
          input: { login: agent, password: PASSWORD, role: "community_agent", tenantId: tenant.id },
        });
        await assignStaff({ ctx, input: { userId: staff.id, centreId: tree.streets[0]?.id } });
        const community = tree.communities[0]?.id ?? "";
        await publishNotice({
          ctx,
          input: { centreId: community, title: "停水通知", body: "周三上午停水" },
        });
        const start = new Date(Date.now() + 3 * 86_400_000);
        await createSlot({
          ctx,
          input: {
            centreId: community,
            serviceCode: "PERMIT",
            startsAt: start,
            endsAt: new Date(start.getTime() + 3_600_000),
            capacity: 3,
          },
        });
      },
    });
  });

  afterAll(() => demo?.close());

  const signIn = async (path: string, login: string) => {
    const page = await demo.page();
    await page.goto(`${demo.url}${path}`);
    await page.getByLabel("邮箱或手机号").fill(login);
    await page.getByLabel("密码").fill(PASSWORD);
    await page.getByRole("button", { name: "登录" }).click();
    await page.waitForLoadState();
    return page;
  };
  const reportPothole = async (page: Page, text: string) => {
    await page.goto(`${demo.url}/t/${slug}/community`);
    await page.getByRole("link", { name: "反映问题" }).click();
    await page.getByLabel("服务类别").selectOption("ROAD01");
    await page.getByRole("button", { name: "下一步" }).click();
    await page.getByLabel("问题描述").fill(text);
    await page.getByLabel("How big is it?").selectOption("L");
    await page.getByLabel("地址").fill("示例路1号");
    await page.getByLabel("纬度（可选）").fill("39.89");
    await page.getByLabel("经度（可选）").fill("116.3");
    await page.getByRole("button", { name: "提交" }).click();
    await page.waitForURL(/\/community\/requests\/\d+/);
    return Number(/requests\/(\d+)/.exec(page.url())?.[1]);
  };

  it("walks the whole loop", async () => {
    const res = await signIn(`/t/${slug}/sign-in`, resident);
    await res.goto(`${demo.url}/t/${slug}/community`);
    await step(res, "cs-01-resident-home");
    await res.getByRole("link", { name: "反映问题" }).click();
    await step(res, "cs-02-report-service");
    const first = await reportPothole(res, "井盖缺失");
    expect(await res.textContent("main")).toContain("井盖缺失");
    await step(res, "cs-03-request-tracked");
    const second = await reportPothole(res, "路灯不亮");

    // The second one's deadline passes: flagged in the queue, then supervision moves it up.
    await withTenant(demo.rt.db, tenant, (tx) =>
      tx
        .update(csRequests)
        .set({ dueAt: new Date(Date.now() - 60_000) })
        .where(eq(csRequests.id, second)),
    );
    const staff = await signIn(`/t/${slug}/console/sign-in`, agent);
    await staff.goto(`${demo.url}/t/${slug}/console/community`);
    expect(await staff.textContent("main")).toContain("已超时");
    await step(staff, "cs-04-queue-overdue");
    expect(await escalateOverdue(demo.rt.db, tenant, systemClock)).toBe(1);
    await staff.goto(`${demo.url}/t/${slug}/console/community/requests/${second}`);
    expect(await staff.textContent("main")).toContain("督办");
    expect(await staff.textContent("main")).toContain(tree.streets[0]?.name ?? "?");
    await step(staff, "cs-05-escalated");

    // The agent handles the first one through to a reply.
    await staff.goto(`${demo.url}/t/${slug}/console/community`);
    await staff.getByRole("link", { name: String(first), exact: true }).click();
    await step(staff, "cs-06-request-page");
    for (const [to, note] of [
      ["dispatched", "已派社区网格员"],
      ["in_progress", "正在维修"],
      ["replied", "井盖已更换"],
    ]) {
      await staff.getByLabel("下一步").selectOption(to ?? "");
      await staff.getByLabel("办理说明").fill(note ?? "");
      await staff.getByRole("button", { name: "保存" }).click();
      await staff.waitForLoadState();
      expect(await staff.textContent("main")).toContain(note);
    }
    await step(staff, "cs-07-replied");
    for (const [path, name] of [
      ["centres", "cs-08-centres"],
      ["services", "cs-09-catalogue"],
      ["slots", "cs-10-slots"],
      ["notices", "cs-11-notices"],
    ]) {
      await staff.goto(`${demo.url}/t/${slug}/console/community/${path}`);
      await step(staff, name ?? path ?? "");
    }

    // The resident rates the answer, which closes the request.
    await res.goto(`${demo.url}/t/${slug}/community/requests/${first}`);
    await step(res, "cs-12-rate");
    await res.getByLabel("评价", { exact: true }).selectOption("5");
    await res.getByRole("button", { name: "提交评价" }).click();
    await res.waitForLoadState();
    expect(await res.textContent("main")).toContain("已办结");
    await step(res, "cs-13-rated");

    await res.goto(`${demo.url}/t/${slug}/community/notices`);
    expect(await res.textContent("main")).toContain("停水通知");
    await step(res, "cs-14-notices");
    await res.goto(
      `${demo.url}/t/${slug}/community/appointments?centre=${tree.communities[0]?.id}`,
    );
    await res.getByLabel("姓名").fill("王五");
    await res.getByLabel("电话").fill("13800000000");
    await res.getByRole("button", { name: "预约", exact: true }).click();
    await res.waitForLoadState();
    expect(await res.textContent("main")).toContain("已预约");
    await step(res, "cs-15-booked");
  });
});
