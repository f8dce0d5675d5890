import { chainAuditHook } from "@zhengyun/audit";
import type { AuthCtx } from "@zhengyun/auth";
import { DomainError } from "@zhengyun/core";
import type { AppEnv, Principal } from "@zhengyun/http";
import type { Tenant } from "@zhengyun/tenancy";
import type { Context } from "hono";
import { clientIp } from "../../auth/client.ts";

type C = Context<AppEnv>;

/** Who asked, from where: what every audit record of a request carries. */
export function requestMeta(c: C) {
  const ip = clientIp(c, c.var.deps.config);
  const userAgent = c.req.header("user-agent");
  return {
    requestId: c.var.requestId,
    ...(ip ? { ip } : {}),
    ...(userAgent ? { userAgent } : {}),
  };
}

/** The route guard has set it; a missing principal here is a wiring bug, answered 401. */
export function principalOf(c: C): Principal {
  const p = c.var.principal;
  if (!p) throw new DomainError("unauthenticated", "Sign in first");
  return p;
}

export function tenantOf(c: C): Tenant {
  const t = c.var.tenant;
  if (!t) throw new Error("tenant route without a resolved tenant");
  return t;
}

/**
 * The identity verbs' context for this request: the principal as actor (the verbs check the
 * permission again), the clock, and the audit hook: events about a tenant go to that tenant's
 * chain, the vendor's own to the vendor chain, in the verb's transaction either way.
 */
export function authCtx(c: C, tenant?: Tenant): AuthCtx {
  const { db, clock } = c.var.deps;
  return {
    db,
    ...(clock ? { clock } : {}),
    actor: principalOf(c),
    audit: chainAuditHook(db, tenant),
    ...requestMeta(c),
  };
}

export const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);
