import type { Authenticator, Principal } from "@zhengyun/api";
import { type AuthCtx, authenticateRequest, authorize, createApiKey } from "@zhengyun/auth";
import type { UsageCloudEvent } from "@zhengyun/metering";

/** The real identity seam over @zhengyun/auth: bearer API keys and session cookies. */
export function usageAuthenticator(ctx: () => AuthCtx): Authenticator {
  return {
    async authenticate(c) {
      const found = await authenticateRequest(ctx(), {
        authorization: c.req.header("authorization"),
        cookie: c.req.header("cookie"),
        secure: false,
        tenantId: c.var.tenant?.id ?? null,
      });
      return found?.principal as Principal | undefined;
    },
    authorize: (principal, permission, tenant) =>
      authorize(principal, permission as Parameters<typeof authorize>[1], tenant),
  };
}

/** A real API key of a tenant (shown once), as the Authorization header. */
export async function bearer(ctx: AuthCtx, tenantId: string, scopes: string[]) {
  const { key } = await createApiKey({ ctx, input: { tenantId, scopes } });
  return { authorization: `Bearer ${key}` };
}

/** One CloudEvent of a meter for a tenant. */
export function cloudEvent(
  slug: string,
  id: string,
  meter: string,
  quantity: number,
  time: string,
  source = "urn:zy:terminal:t1",
): UsageCloudEvent {
  return { specversion: "1.0", id, source, type: meter, time, subject: slug, data: { quantity } };
}

export const BATCH_TYPE = "application/cloudevents-batch+json";

export const postBatch = (
  headers: Record<string, string>,
  body: unknown,
  type = BATCH_TYPE,
): RequestInit => ({
  method: "POST",
  headers: { "content-type": type, ...headers },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

/** Sum of quantities per meter: the ground truth a test compares totals with. */
export function truthOf(events: UsageCloudEvent[]): Record<string, number> {
  const out: Record<string, number> = {};
  const seen = new Set<string>();
  for (const e of events) {
    const k = `${e.source}\u0000${e.id}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out[e.type] = (out[e.type] ?? 0) + e.data.quantity;
  }
  return out;
}
