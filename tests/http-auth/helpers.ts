import { createApp } from "@zhengyun/api";
import { createIdentity, identityModule } from "@zhengyun/api/auth";
import { type Clock, loadConfig } from "@zhengyun/core";
import { type Database, platformSchema, query, tenantSchema } from "@zhengyun/db";
import { withTenant } from "@zhengyun/tenancy";
import { sql } from "drizzle-orm";
import type { Tenant } from "../harness/index.ts";

const silent = { info() {}, warn() {}, error() {} };

/** The real app with the real identity (session cookie or API key), on a controllable clock. */
export function authApp(db: Database, clock: Clock, env: Record<string, string> = {}) {
  const config = loadConfig({ NODE_ENV: "test", ...env });
  const identity = createIdentity({ config, clock });
  const app = createApp({
    config,
    db,
    clock,
    logger: silent,
    isReady: () => true,
    authenticator: identity.authenticator,
  });
  identityModule(identity).register(app);
  return { app, identity, config };
}

/** Node's bindings as @hono/node-server passes them: the socket's peer address. */
export const fromIp = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });

/** The `name=value` pair of the session cookie a response set ("" when it was cleared). */
export function sessionOf(res: Response): string {
  const raw = res.headers.get("set-cookie") ?? "";
  const pair = raw.split(";")[0] ?? "";
  return pair.endsWith("=") ? "" : pair;
}

export const post = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

export async function tenantAudit(db: Database, t: Tenant) {
  return withTenant(db, t, (tx) =>
    tx.select().from(tenantSchema.auditLog).orderBy(tenantSchema.auditLog.seq),
  );
}

/** The vendor chain is shared by every suite: callers filter by actor or request id. */
export async function vendorAudit(db: Database) {
  return db.orm
    .select()
    .from(platformSchema.platformAuditLog)
    .orderBy(platformSchema.platformAuditLog.seq);
}

export async function sessionCount(db: Database, userId: string): Promise<number> {
  const rows = await query<{ n: number | string }>(
    db.orm,
    sql`select count(*) as n from platform.sessions where user_id = ${userId}`,
  );
  return Number(rows[0]?.n ?? 0);
}

/** The TOTP seed of a user, as stored (tests seal nothing: no secret key is configured). */
export async function totpSecret(db: Database, userId: string): Promise<string> {
  const rows = await query<{ secret: string }>(
    db.orm,
    sql`select secret from platform.totp_credentials where user_id = ${userId}`,
  );
  const secret = rows[0]?.secret;
  if (!secret) throw new Error("no TOTP secret");
  return secret;
}

/** A response body as JSON, loosely typed: tests assert its shape. */
// biome-ignore lint/suspicious/noExplicitAny: assertions check the shape
export const readJson = async (res: { json(): Promise<unknown> }): Promise<any> => res.json();
