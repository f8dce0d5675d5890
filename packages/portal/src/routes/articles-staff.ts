import { z } from "@hono/zod-openapi";
import type { App } from "@zhengyun/http";
import {
  actOnArticle,
  articleActionInput,
  articleInput,
  channelInput,
  editorialQueue,
  getArticle,
  saveArticle,
  saveChannel,
} from "../articles.ts";
import { articleIdParam, articleSchema } from "./articles-public.ts";
import { BASE, jsonBody, jsonOk, portalCtx, route, t, toJson } from "./common.ts";

const channel = route({
  method: "post",
  path: `${BASE}/channels`,
  permission: "portal:write",
  summary: "Create or rename a channel, or (with `category`) a category of it",
  request: { params: t, body: jsonBody(channelInput) },
  responses: { 204: { description: "saved" } },
});
const create = route({
  method: "post",
  path: `${BASE}/articles`,
  permission: "portal:write",
  summary: "Write a draft article (rich text is sanitized)",
  request: { params: t, body: jsonBody(articleInput) },
  responses: { 201: jsonOk("draft", articleSchema) },
});
const update = route({
  method: "put",
  path: `${BASE}/articles/{id}`,
  permission: "portal:write",
  summary: "Edit a draft or withdrawn article (back to draft)",
  request: { params: articleIdParam, body: jsonBody(articleInput) },
  responses: { 200: jsonOk("draft", articleSchema) },
});
const act = route({
  method: "post",
  path: `${BASE}/articles/{id}/actions`,
  permission: "portal:write",
  summary: "Submit, publish (now or scheduled; reviewer ≠ author) or withdraw",
  request: { params: articleIdParam, body: jsonBody(articleActionInput) },
  responses: { 200: jsonOk("moved", articleSchema) },
});
const draft = route({
  method: "get",
  path: `${BASE}/editorial/articles/{id}`,
  permission: "portal:read",
  summary: "An article in any state (editors)",
  request: { params: articleIdParam },
  responses: { 200: jsonOk("article", articleSchema) },
});
const queue = route({
  method: "get",
  path: `${BASE}/editorial/queue`,
  permission: "portal:read",
  summary: "Drafts and submitted articles awaiting review or scheduled",
  request: { params: t },
  responses: {
    200: jsonOk("queue", z.object({ items: z.array(z.record(z.string(), z.unknown())) })),
  },
});

const out = (a: unknown) => {
  const { search: _, ...rest } = a as Record<string, unknown>;
  return articleSchema.parse(toJson(rest));
};

export function registerArticleStaff(app: App): void {
  app.openapi(channel, async (c) => {
    await saveChannel({ ctx: portalCtx(c), input: c.req.valid("json") });
    return c.body(null, 204);
  });
  app.openapi(create, async (c) =>
    c.json(out(await saveArticle({ ctx: portalCtx(c), input: c.req.valid("json") })), 201),
  );
  app.openapi(update, async (c) =>
    c.json(
      out(
        await saveArticle({
          ctx: portalCtx(c),
          id: c.req.valid("param").id,
          input: c.req.valid("json"),
        }),
      ),
      200,
    ),
  );
  app.openapi(act, async (c) =>
    c.json(
      out(
        await actOnArticle({
          ctx: portalCtx(c),
          id: c.req.valid("param").id,
          input: c.req.valid("json"),
        }),
      ),
      200,
    ),
  );
  app.openapi(draft, async (c) =>
    c.json(out(await getArticle(portalCtx(c), c.req.valid("param").id, true)), 200),
  );
  app.openapi(queue, async (c) =>
    c.json({ items: toJson(await editorialQueue(portalCtx(c))) as Record<string, unknown>[] }, 200),
  );
}
