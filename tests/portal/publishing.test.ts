import "@zhengyun/api";
import {
  ConflictError,
  ForbiddenError,
  ManualClock,
  NotFoundError,
  ValidationError,
} from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import { seedDemoPortal } from "@zhengyun/demo/portal";
import {
  actOnArticle,
  getArticle,
  listItems,
  type PortalCtx,
  portalApplications,
  portalCertificates,
  publishDue,
  saveArticle,
  saveChannel,
  searchArticles,
} from "@zhengyun/portal";
import { withTenant } from "@zhengyun/tenancy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";
import { portalApp } from "./helpers.ts";

describe.each(drivers())("portal publishing on %s", (driver) => {
  let db: Database;
  let factory: ReturnType<typeof tenantFactory>;
  let tenant: Tenant;
  const clock = new ManualClock("2026-03-02T02:00:00Z");
  const as = (id: string): PortalCtx => ({ db, tenant, clock, actor: { id, kind: "staff" } });
  const write = (title: string, body: string) =>
    saveArticle({ ctx: as("usr_author"), input: { channel: "notices", title, body } });
  const publish = async (title: string, body: string) => {
    const a = await write(title, body);
    await actOnArticle({ ctx: as("usr_author"), id: a.id, input: { action: "submit" } });
    return actOnArticle({ ctx: as("usr_reviewer"), id: a.id, input: { action: "publish" } });
  };

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    factory = tenantFactory(db);
    tenant = await factory.create();
    await saveChannel({ ctx: as("usr_author"), input: { slug: "notices", name: "通知公告" } });
  });
  afterAll(async () => {
    await factory.cleanup();
    await db.close();
  });

  it("sanitizes rich text and lets only another editor publish", async () => {
    const a = await write(
      "关于调整户口迁移办理时间的通知",
      '<p onclick="x()">请<b>携带</b>身份证。</p><script>alert(1)</script><a href="javascript:alert(1)">链接</a>',
    );
    expect(a.body).toContain("<b>携带</b>");
    expect(a.body).not.toMatch(/script|onclick|javascript:/);
    await expect(
      actOnArticle({ ctx: as("usr_author"), id: a.id, input: { action: "publish" } }),
    ).rejects.toBeInstanceOf(ConflictError);
    await actOnArticle({ ctx: as("usr_author"), id: a.id, input: { action: "submit" } });
    await expect(
      actOnArticle({ ctx: as("usr_author"), id: a.id, input: { action: "publish" } }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(getArticle(as("usr_x"), a.id)).rejects.toBeInstanceOf(NotFoundError);
    const done = await actOnArticle({
      ctx: as("usr_reviewer"),
      id: a.id,
      input: { action: "publish" },
    });
    expect(done).toMatchObject({ state: "published", reviewerId: "usr_reviewer" });
    await actOnArticle({
      ctx: as("usr_reviewer"),
      id: a.id,
      input: { action: "withdraw", reason: "已过期" },
    });
    await expect(getArticle(as("usr_x"), a.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("publishes a scheduled article when its time comes", async () => {
    const a = await write("清明节放假安排", "<p>4月4日至6日放假</p>");
    await actOnArticle({ ctx: as("usr_author"), id: a.id, input: { action: "submit" } });
    await actOnArticle({
      ctx: as("usr_reviewer"),
      id: a.id,
      input: { action: "publish", publishAt: "2026-03-03T00:00:00Z" },
    });
    expect(await publishDue(as("system"))).toBe(0);
    clock.set("2026-03-03T00:00:01Z");
    expect(await publishDue(as("system"))).toBe(1);
    expect((await getArticle(as("usr_x"), a.id)).publishedAt?.toISOString()).toBe(
      "2026-03-03T00:00:00.000Z",
    );
  });

  it("finds two-character Chinese terms, ranks title hits first, highlights", async () => {
    await publish("社保卡申领指南", "<p>办理社保卡需要身份证。</p>");
    await publish("医保报销说明", "<p>参加社保的职工可以报销门诊费用。</p>");
    await publish("户籍业务", "<p>户口迁移请到派出所。</p>");
    const hits = await searchArticles(as("usr_x"), { q: "社保" });
    expect(hits.map((h) => h.title)).toEqual(["社保卡申领指南", "医保报销说明"]);
    expect(hits[0]?.titleHtml).toBe("<mark>社保</mark>卡申领指南");
    expect(hits[1]?.snippetHtml).toContain("参加<mark>社保</mark>的职工");
    // Every bigram must match: 社保报 is not in the first article.
    expect((await searchArticles(as("usr_x"), { q: "社保 报销" })).map((h) => h.title)).toEqual([
      "医保报销说明",
    ]);
    expect(await searchArticles(as("usr_x"), { q: "户口" })).toHaveLength(1);
    expect(await searchArticles(as("usr_x"), { q: "税务" })).toHaveLength(0);
  });

  it("matches mixed Chinese and English queries, every token required, case-insensitive", async () => {
    await publish("政务服务App上线公告", "<p>新版App支持在线预约公证。</p>");
    await publish("公证预约说明", "<p>请通过窗口办理。</p>");
    const titles = async (q: string) =>
      (await searchArticles(as("usr_x"), { q })).map((h) => h.title);
    expect(await titles("app 公证")).toEqual(["政务服务App上线公告"]);
    expect(await titles("APP上线")).toEqual(["政务服务App上线公告"]);
    expect(await titles("公证")).toEqual(["公证预约说明", "政务服务App上线公告"]);
    expect(await titles("公证 android")).toEqual([]);
    // 公示 shares a character with 公证 but is not a bigram of either article.
    expect(await titles("公示")).toEqual([]);
    const [hit] = await searchArticles(as("usr_x"), { q: "app 公证" });
    expect(hit?.titleHtml).toBe("政务服务<mark>App</mark>上线公告");
    expect(hit?.snippetHtml).toContain("新版<mark>App</mark>支持在线预约<mark>公证</mark>");
  });

  it("ranks title hits first, each tier newest first, and pages through them", async () => {
    // Published one a minute apart, oldest first; 档案 in titles of the two oldest only.
    const titles = ["档案查询指南", "档案借阅须知", "不动产登记", "婚姻登记", "出入境证件"];
    for (const [n, title] of titles.entries()) {
      clock.set(new Date(Date.parse("2026-04-01T00:00:00Z") + n * 60_000));
      await publish(title, `<p>${title}：相关档案材料请提前准备。</p>`);
    }
    const expected = ["档案借阅须知", "档案查询指南", "出入境证件", "婚姻登记", "不动产登记"];
    const all = await searchArticles(as("usr_x"), { q: "档案", size: 50 });
    expect(all.map((h) => h.title)).toEqual(expected);
    expect(all[0]?.rank).toBeGreaterThan(all[2]?.rank ?? 1);
    const pages = [];
    for (let page = 1; page <= 3; page++)
      pages.push(...(await searchArticles(as("usr_x"), { q: "档案", size: 2, page })));
    expect(pages.map((h) => h.title)).toEqual(expected);
    expect(await searchArticles(as("usr_x"), { q: "档案", size: 2, page: 4 })).toEqual([]);
    // A first pass over only the newest article(s) must not change the answer: the tiers it leaves
    // short are looked up in full.
    for (const window of [1, 2, 3]) {
      for (const [size, page] of [
        [2, 1],
        [2, 2],
        [2, 3],
        [50, 1],
      ] as const) {
        const hits = await searchArticles(as("usr_x"), { q: "档案", size, page }, { window });
        expect(hits.map((h) => h.title)).toEqual(expected.slice((page - 1) * size, page * size));
      }
    }
    await expect(searchArticles(as("usr_x"), { q: "档案", page: 0 })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(searchArticles(as("usr_x"), { q: " " })).rejects.toBeInstanceOf(ValidationError);
  });

  it("never finds drafts, submitted, scheduled or withdrawn articles, nor another tenant's", async () => {
    await write("宅基地草稿", "<p>宅基地</p>");
    const submitted = await write("宅基地待审", "<p>宅基地</p>");
    await actOnArticle({ ctx: as("usr_author"), id: submitted.id, input: { action: "submit" } });
    const scheduled = await write("宅基地定时", "<p>宅基地</p>");
    await actOnArticle({ ctx: as("usr_author"), id: scheduled.id, input: { action: "submit" } });
    await actOnArticle({
      ctx: as("usr_reviewer"),
      id: scheduled.id,
      input: { action: "publish", publishAt: "2030-01-01T00:00:00Z" },
    });
    const withdrawn = await publish("宅基地撤回", "<p>宅基地</p>");
    await actOnArticle({
      ctx: as("usr_reviewer"),
      id: withdrawn.id,
      input: { action: "withdraw", reason: "错误" },
    });
    const other = await factory.create();
    const otherCtx: PortalCtx = { db, tenant: other, clock, actor: { id: "usr_o", kind: "staff" } };
    await saveChannel({ ctx: otherCtx, input: { slug: "notices", name: "通知" } });
    const theirs = await saveArticle({
      ctx: otherCtx,
      input: { channel: "notices", title: "宅基地确权公告", body: "<p>宅基地</p>" },
    });
    await actOnArticle({ ctx: otherCtx, id: theirs.id, input: { action: "submit" } });
    await actOnArticle({
      ctx: { ...otherCtx, actor: { id: "usr_o2", kind: "staff" } },
      id: theirs.id,
      input: { action: "publish" },
    });
    expect(await searchArticles(as("usr_x"), { q: "宅基地" })).toEqual([]);
    expect(await searchArticles(as("usr_x"), { q: "宅基地" }, { window: 1 })).toEqual([]);
    expect((await searchArticles(otherCtx, { q: "宅基地" })).map((h) => h.title)).toEqual([
      "宅基地确权公告",
    ]);
  });

  it("serves public pages with ETag and Cache-Control, answering 304 when unchanged", async () => {
    const app = portalApp(db, clock, undefined);
    const url = `/t/${tenant.slug}/api/v1/portal/articles?channel=notices`;
    const first = await app.request(url);
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-control")).toContain("public");
    const etag = first.headers.get("etag") ?? "";
    expect(etag).toMatch(/^"[0-9a-f]+"$/);
    expect((await app.request(url, { headers: { "if-none-match": etag } })).status).toBe(304);
    await publish("新通知", "<p>内容</p>");
    expect((await app.request(url, { headers: { "if-none-match": etag } })).status).toBe(200);
    const search = await app.request(
      `/t/${tenant.slug}/api/v1/portal/search?q=${encodeURIComponent("社保")}`,
    );
    expect(search.status).toBe(200);
    expect(((await search.json()) as { items: unknown[] }).items).toHaveLength(2);
    const q = `/t/${tenant.slug}/api/v1/portal/search?q=${encodeURIComponent("社保")}`;
    const second = await app.request(`${q}&size=1&page=2`);
    expect(((await second.json()) as { items: { title: string }[] }).items).toMatchObject([
      { title: "医保报销说明" },
    ]);
    const bad = await app.request(`${q}&page=0`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toContain("problem+json");
  });

  it("demo data: channels and articles, twenty items, applications in every state, certificates; once", async () => {
    const demo = await factory.create({ name: "东城区" });
    await seedDemoPortal(db, [demo]);
    await seedDemoPortal(db, [demo]);
    const ctx: PortalCtx = { db, tenant: demo };
    expect(await listItems(ctx)).toHaveLength(20);
    const [apps, certs] = await withTenant(
      db,
      demo,
      async (tx) =>
        [
          await tx.select().from(portalApplications),
          await tx.select().from(portalCertificates),
        ] as const,
    );
    expect(new Set(apps.map((a) => a.state)).size).toBe(9);
    expect(certs.some((c) => c.revokedAt)).toBe(true);
    expect(await searchArticles(ctx, { q: "社保卡" })).not.toHaveLength(0);
  });
});
