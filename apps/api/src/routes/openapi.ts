import { z } from "@hono/zod-openapi";
import { type App, defineRoute, escapeHtml, htmlPage } from "@zhengyun/http";

export const openApiRoute = defineRoute({
  method: "get",
  path: "/api/openapi.json",
  permission: "public",
  tags: ["docs"],
  summary: "OpenAPI 3.1 description of this API",
  responses: {
    200: {
      description: "document",
      content: { "application/json": { schema: z.record(z.string(), z.unknown()) } },
    },
  },
});

export const docsRoute = defineRoute({
  method: "get",
  path: "/api/docs",
  permission: "public",
  tags: ["docs"],
  summary: "API reference, rendered on the server",
  responses: { 200: { description: "page", content: { "text/html": { schema: z.string() } } } },
});

type Doc = ReturnType<App["getOpenAPI31Document"]>;
interface Operation {
  summary?: string;
  "x-permission"?: string;
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string }>;
}

const info = {
  openapi: "3.1.0",
  info: {
    title: "Zhengyun API",
    version: "1",
    description:
      "Vendor API under /api/v1, each tenant's API under /t/{tenant}/api/v1. Errors are RFC 9457 problem+json.",
  },
};

function renderOperation(method: string, path: string, op: Operation): string {
  const params = (op.parameters ?? [])
    .map(
      (p) =>
        `<li><code>${escapeHtml(p.name)}</code> (${escapeHtml(p.in)}${p.required ? ", required" : ""})</li>`,
    )
    .join("");
  const body = Object.entries(op.requestBody?.content ?? {})
    .map(
      ([type, m]) =>
        `<p>Body <code>${escapeHtml(type)}</code></p><pre>${escapeHtml(JSON.stringify(m.schema, null, 2))}</pre>`,
    )
    .join("");
  const responses = Object.entries(op.responses ?? {})
    .filter(([code]) => code.startsWith("2"))
    .map(([code, r]) => `<li><code>${code}</code> ${escapeHtml(r.description ?? "")}</li>`)
    .join("");
  return `<h2 id="${escapeHtml(`${method}-${path}`)}"><code>${method.toUpperCase()} ${escapeHtml(path)}</code></h2>
<p>${escapeHtml(op.summary ?? "")}</p><p>Permission: <code>${escapeHtml(op["x-permission"] ?? "public")}</code></p>
${params ? `<p>Parameters</p><ul>${params}</ul>` : ""}${body}<p>Success</p><ul>${responses}</ul>
<p class="muted">Errors: problem+json, see <a href="/problems/validation">/problems/&lt;code&gt;</a>.</p>`;
}

/** A readable reference with no scripts: intranets cannot load a CDN. */
export function renderDocs(doc: Doc): string {
  const sections: string[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item ?? {})) {
      if (typeof op === "object" && op && "responses" in op) {
        sections.push(renderOperation(method, path, op as Operation));
      }
    }
  }
  return htmlPage(
    "政云 API 参考",
    `<h1>政云 Zhengyun API 参考</h1><p>${escapeHtml(doc.info.description ?? "")}</p><p><a href="/api/openapi.json">openapi.json</a></p>${sections.join("\n")}`,
  );
}

export function registerOpenApi(app: App): void {
  // Named by every protected route's `security`; identity (issue 3) issues both.
  app.openAPIRegistry.registerComponent("securitySchemes", "session", {
    type: "apiKey",
    in: "cookie",
    name: "zy_session",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "apiKey", {
    type: "http",
    scheme: "bearer",
  });
  const document = () => app.getOpenAPI31Document(info);
  app.openapi(openApiRoute, (c) => c.json(document(), 200));
  app.openapi(docsRoute, (c) => c.html(renderDocs(document())));
}
