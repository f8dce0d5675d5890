import { z } from "@hono/zod-openapi";
import {
  type ApiKeyView,
  apiKeyScopes,
  createApiKey,
  listApiKeys,
  revokeApiKey,
} from "@zhengyun/auth";
import { type App, defineRoute } from "@zhengyun/http";
import { authCtx, iso, tenantOf } from "./context.ts";

export const apiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    scopes: z.array(z.string()),
    prefix: z.string(),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .openapi("ApiKey");

export const createApiKeyBody = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    scopes: z.array(z.enum(apiKeyScopes)).min(1),
  })
  .openapi("CreateApiKey");

export const createdApiKeySchema = z
  .object({
    key: z.string().openapi({ description: "shown once; only its hash is stored" }),
    apiKey: apiKeySchema,
  })
  .openapi("CreatedApiKey");

const view = (k: ApiKeyView) =>
  apiKeySchema.parse({
    ...k,
    createdAt: iso(k.createdAt),
    lastUsedAt: iso(k.lastUsedAt),
    revokedAt: iso(k.revokedAt),
  });
const tenantParam = z.object({ tenant: z.string() });

export const createApiKeyRoute = defineRoute({
  method: "post",
  path: "/t/{tenant}/api/v1/api-keys",
  permission: "tenant.apikeys:manage",
  tags: ["tenant admin"],
  summary: "Create an API key (the key is in this answer only)",
  request: {
    params: tenantParam,
    body: { required: true, content: { "application/json": { schema: createApiKeyBody } } },
  },
  responses: {
    201: {
      description: "created",
      content: { "application/json": { schema: createdApiKeySchema } },
    },
  },
});

export const listApiKeysRoute = defineRoute({
  method: "get",
  path: "/t/{tenant}/api/v1/api-keys",
  permission: "tenant.apikeys:manage",
  tags: ["tenant admin"],
  summary: "API keys of this tenant (never their secrets)",
  request: { params: tenantParam },
  responses: {
    200: {
      description: "keys",
      content: { "application/json": { schema: z.object({ items: z.array(apiKeySchema) }) } },
    },
  },
});

export const revokeApiKeyRoute = defineRoute({
  method: "post",
  path: "/t/{tenant}/api/v1/api-keys/{keyId}/revoke",
  permission: "tenant.apikeys:manage",
  tags: ["tenant admin"],
  summary: "Revoke an API key (it stops working at once)",
  request: { params: tenantParam.extend({ keyId: z.string().min(1).max(64) }) },
  responses: { 204: { description: "revoked" } },
});

export function registerApiKeyAdmin(app: App): void {
  app.openapi(createApiKeyRoute, async (c) => {
    const t = tenantOf(c);
    const r = await createApiKey({
      ctx: authCtx(c, t),
      input: { ...c.req.valid("json"), tenantId: t.id },
    });
    c.header("Cache-Control", "no-store");
    return c.json({ key: r.key, apiKey: view(r.apiKey) }, 201);
  });
  app.openapi(listApiKeysRoute, async (c) => {
    const t = tenantOf(c);
    const rows = await listApiKeys({ ctx: authCtx(c, t), input: { tenantId: t.id } });
    return c.json({ items: rows.map(view) }, 200);
  });
  app.openapi(revokeApiKeyRoute, async (c) => {
    const t = tenantOf(c);
    await revokeApiKey({
      ctx: authCtx(c, t),
      input: { tenantId: t.id, keyId: c.req.valid("param").keyId },
    });
    return c.body(null, 204);
  });
}
