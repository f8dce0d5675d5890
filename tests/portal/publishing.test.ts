import "@zhengyun/api";
import { ConflictError, ForbiddenError, ManualClock, NotFoundError } from "@zhengyun/core";
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
