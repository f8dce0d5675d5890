import { createHash } from "node:crypto";
import { z } from "@hono/zod-openapi";
import type { App, AppEnv } from "@zhengyun/http";
import type { Context } from "hono";
import { getArticle, listArticles, listQuery, searchArticles, searchQuery } from "../articles.ts";
import { BASE, jsonOk, portalCtx, route, t, tenantParam, toJson } from "./common.ts";

export const articleIdParam = z.object({ tenant: tenantParam, id: z.coerce.number().int().min(1) });
const summarySchema = z.object({
  id: z.number().int(),
  channel: z.string(),
  category: z.string().nullable(),
  title: z.string(),
  summary: z.string(),
  publishedAt: z.string().nullable(),
  updatedAt: z.string(),
});
export const articleSchema = summarySchema
  .extend({
    body: z.string(),
    state: z.string(),
    coverKey: z.string().nullable(),
    attachments: z.array(z.object({ name: z.string(), key: z.string() })),
    authorId: z.string(),
    reviewerId: z.string().nullable(),
    publishAt: z.string().nullable(),
    withdrawnReason: z.string().nullable(),
  })
  .openapi("PortalArticle");
const listSchema = z.object({ items: z.array(summarySchema) }).openapi("PortalArticleList");
const hitsSchema = z
  .object({
    items: z.array(
      summarySchema.extend({ rank: z.number(), titleHtml: z.string(), snippetHtml: z.string() }),
    ),
  })
  .openapi("PortalSearchResults");

/**
 * Public pages are cacheable: a strong validator from the body lets browsers and CDNs revalidate
 * with If-None-Match and get 304. node:crypto's hash is synchronous (Web Crypto's digest is a
 * thread-pool round trip per response) and Workers have it under nodejs_compat.
 */
function cacheable(c: Context<AppEnv>, body: unknown, maxAge: number) {
  const text = JSON.stringify(body);
  const etag = `"${createHash("sha256").update(text).digest("hex").slice(0, 24)}"`;
  c.header("ETag", etag);
  c.header("Cache-Control", `public, max-age=${maxAge}, stale-while-revalidate=${maxAge * 5}`);
  if (c.req.header("if-none-match") === etag) return c.body(null, 304);
  return c.body(text, 200, { "Content-Type": "application/json" });
}

const list = route({
  method: "get",
  path: `${BASE}/articles`,
  permission: "public",
  summary: "Published articles, newest first (cacheable, ETag)",
  request: { params: t, query: listQuery },
  responses: { 200: jsonOk("articles", listSchema), 304: { description: "not modified" } },
});
const one = route({
  method: "get",
  path: `${BASE}/articles/{id}`,
  permission: "public",
  summary: "A published article (cacheable, ETag)",
  request: { params: articleIdParam },
  responses: { 200: jsonOk("article", articleSchema), 304: { description: "not modified" } },
});
const search = route({
  method: "get",
  path: `${BASE}/search`,
  permission: "public",
  summary: "Full-text search of published articles (Chinese bigrams), ranked and highlighted",
  request: { params: t, query: searchQuery },
  responses: { 200: jsonOk("hits", hitsSchema) },
});

export function registerArticleReads(app: App): void {
  app.openapi(list, async (c) => {
    const items = await listArticles(portalCtx(c), c.req.valid("query"));
    return cacheable(c, listSchema.parse({ items: toJson(items) }), 60) as never;
  });
  app.openapi(one, async (c) => {
    const a = await getArticle(portalCtx(c), c.req.valid("param").id);
    return cacheable(c, articleSchema.parse(toJson(a)), 300) as never;
  });
  app.openapi(search, async (c) => {
    const items = await searchArticles(portalCtx(c), c.req.valid("query"));
    c.header("Cache-Control", "public, max-age=30");
    return c.json(hitsSchema.parse({ items: toJson(items) }), 200);
  });
}
