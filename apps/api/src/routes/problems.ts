import { z } from "@hono/zod-openapi";
import { NotFoundError } from "@zhengyun/core";
import {
  type App,
  defineRoute,
  escapeHtml,
  htmlPage,
  type ProblemCode,
  problemCatalog,
  problemCodes,
} from "@zhengyun/http";

export const problemPageRoute = defineRoute({
  method: "get",
  path: "/problems/{code}",
  permission: "public",
  tags: ["docs"],
  summary: "Human description of a problem type",
  request: { params: z.object({ code: z.string() }) },
  responses: { 200: { description: "page", content: { "text/html": { schema: z.string() } } } },
});

/** Each problem `type` URI resolves to a short page, as RFC 9457 recommends. */
export function registerProblemPages(app: App): void {
  app.openapi(problemPageRoute, (c) => {
    const code = c.req.valid("param").code as ProblemCode;
    if (!problemCodes.includes(code)) throw new NotFoundError(`No problem type "${code}"`);
    const info = problemCatalog[code];
    return c.html(
      htmlPage(
        `${info.status} ${info.title}`,
        `<h1><code>${escapeHtml(code)}</code> · ${info.status} ${escapeHtml(info.title)}</h1><p>${escapeHtml(info.zh)}</p><p class="muted">Problem documents (RFC 9457) carry <code>type</code>, <code>title</code>, <code>status</code>, <code>detail</code>, <code>instance</code>, <code>requestId</code> and, for validation, <code>errors[]</code>.</p>`,
      ),
    );
  });
}
