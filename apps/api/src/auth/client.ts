import type { Config } from "@zhengyun/core";
import type { AppEnv } from "@zhengyun/http";

export { clientIp } from "@zhengyun/http";

import type { Context } from "hono";

/** Served over https (directly or per PUBLIC_URL behind a proxy): cookies get Secure and `__Host-`. */
export function isSecure(c: Context<AppEnv>, config: Config): boolean {
  return (
    new URL(c.req.url).protocol === "https:" || Boolean(config.PUBLIC_URL?.startsWith("https:"))
  );
}

/** `Authorization: Bearer <token>`: an API key, which never falls back to the cookie. */
export const BEARER = /^Bearer\s+(\S+)$/i;
