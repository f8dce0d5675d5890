import type { Config } from "@zhengyun/core";
import type { Context } from "hono";
import type { AppEnv } from "./env.ts";

/** Node's server passes its IncomingMessage as the env; Workers have none. */
interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string } };
}

/**
 * The caller's IP, or undefined when it cannot be known (in-process test requests). On Node it is
 * the socket's peer, or with TRUST_PROXY the last X-Forwarded-For hop (appended by our own proxy; the
 * earlier hops are client-supplied). On Workers, Cloudflare sets CF-Connecting-IP itself. Shared by
 * the API and the pages, so rate limits and audit records key on the same address.
 */
export function clientIp(c: Context<AppEnv>, config: Config): string | undefined {
  const socket = (c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress;
  if (config.TRUST_PROXY) {
    const hops = c.req.header("x-forwarded-for")?.split(",");
    const last = hops?.[hops.length - 1]?.trim();
    if (last) return last;
  }
  if (socket) return socket;
  if (!(c.env as NodeBindings | undefined)?.incoming) return c.req.header("cf-connecting-ip");
  return undefined;
}
