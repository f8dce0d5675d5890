import type { Config } from "@zhengyun/core";
import type { AppEnv } from "@zhengyun/http";
import type { Context } from "hono";

/** Node's server passes its IncomingMessage as the env; Workers have none. */
interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string } };
}

/**
 * The caller's IP, or undefined when it cannot be known (in-process test requests). On Node it is
 * the socket's peer, or with TRUST_PROXY the last X-Forwarded-For hop (appended by our own proxy; the
 * earlier hops are client-supplied). On Workers, Cloudflare sets CF-Connecting-IP itself.
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

/** Served over https (directly or per PUBLIC_URL behind a proxy): cookies get Secure and `__Host-`. */
export function isSecure(c: Context<AppEnv>, config: Config): boolean {
  return (
    new URL(c.req.url).protocol === "https:" || Boolean(config.PUBLIC_URL?.startsWith("https:"))
  );
}

/** `Authorization: Bearer <token>`: an API key, which never falls back to the cookie. */
export const BEARER = /^Bearer\s+(\S+)$/i;
