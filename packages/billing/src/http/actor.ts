import type { Principal } from "@zhengyun/http";
import type { Actor } from "../actor.ts";

/** The audit actor of a request: its principal and request id. */
export const actorOf = (c: {
  var: { principal?: Principal | undefined; requestId: string };
}): Actor => ({
  actorId: c.var.principal?.id ?? null,
  actorRole: c.var.principal?.roles[0] ?? null,
  requestId: c.var.requestId,
});
