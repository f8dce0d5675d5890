import type { TenantChangeHook } from "@zhengyun/tenancy";
import { writeAudit } from "./record.ts";

/** Where a request came from, as every audit record of it carries. */
export interface RequestMeta {
  requestId?: string;
  ip?: string;
  userAgent?: string;
}

/**
 * The vendor-chain record of an operator's tenant change (create, suspend, resume, offboard),
 * committed with the change; the JSON routes, the pages and the CLI share it so all write alike.
 */
export function tenantChangeAudit(
  action: string,
  actor: { id: string; roles: readonly string[] },
  meta: RequestMeta,
): TenantChangeHook {
  return async (tx, t, from) => {
    await writeAudit(tx, {
      action,
      actorId: actor.id,
      actorRole: actor.roles.join(",") || null,
      tenantId: t.id,
      objectType: "tenant",
      objectId: t.id,
      data: { slug: t.slug, from, to: t.status },
      ...meta,
    });
  };
}
