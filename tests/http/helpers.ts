import type { AppDeps, Authenticator, Principal } from "@zhengyun/api";
import { type Clock, loadConfig } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";

/** A tiny authenticator: the principal travels as JSON in a test header; scopes are permissions. */
export const testAuthenticator: Authenticator = {
  async authenticate(c) {
    const raw = c.req.header("x-test-principal");
    return raw ? (JSON.parse(raw) as Principal) : undefined;
  },
  authorize: (principal, permission) => principal.scopes.includes(permission),
};

export const asPrincipal = (p: Partial<Principal> = {}): Record<string, string> => ({
  "x-test-principal": JSON.stringify({
    kind: "staff",
    id: "usr_test",
    tenantId: null,
    roles: [],
    scopes: [],
    ...p,
  } satisfies Principal),
});

export interface Captured {
  lines: Record<string, unknown>[];
}

export function testDeps(
  db: Database,
  opts: { authenticator?: Authenticator; clock?: Clock; ready?: () => boolean } = {},
): AppDeps & Captured {
  const lines: Record<string, unknown>[] = [];
  const log = (level: string) => (obj: Record<string, unknown>, msg?: string) =>
    lines.push({ level, ...obj, msg });
  return {
    config: loadConfig({ NODE_ENV: "test", BODY_LIMIT_BYTES: "2048" }),
    db,
    logger: { info: log("info"), warn: log("warn"), error: log("error") },
    isReady: opts.ready ?? (() => true),
    lines,
    ...(opts.authenticator ? { authenticator: opts.authenticator } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
  };
}

export const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

/** A response body as JSON, loosely typed: tests assert its shape. */
// biome-ignore lint/suspicious/noExplicitAny: assertions check the shape
export const readJson = async (res: { json(): Promise<unknown> }): Promise<any> => res.json();
