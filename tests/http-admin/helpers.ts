import type { AppDeps, Logger } from "@zhengyun/api";
import { createIdentity, identityModule } from "@zhengyun/api/auth";
import { createNodeApp } from "@zhengyun/api/node-app";
import { writeAudit } from "@zhengyun/audit";
import { sessionCookieName, signIn } from "@zhengyun/auth";
import { type Clock, loadConfig, ManualClock, type Secrets } from "@zhengyun/core";
import { type Database, type Tx, tenantSchema } from "@zhengyun/db";
import { type TenantRef, withPlatform, withTenant } from "@zhengyun/tenancy";
import { asc, eq } from "drizzle-orm";
import { identityFactory, TEST_PASSWORD } from "../harness/identity.ts";

export const AUDIT_KEY = "http-admin-audit-key-0123456789";
export const ORIGIN = "http://localhost";

const quiet: Logger = { info() {}, warn() {}, error() {} };

/** The app as the Node server builds it, with real identity and a known audit key. */
export function adminApp(db: Database, clock: Clock) {
  const secrets: Secrets = {
    auditHmacKey: AUDIT_KEY,
    sessionSecret: "http-admin-session-secret",
    s3AccessKeyId: "S3RVER",
    s3SecretAccessKey: "S3RVER",
  };
  const config = loadConfig({
    NODE_ENV: "test",
    RATE_LIMIT_IP_PER_SEC: "100000",
    RATE_LIMIT_IP_BURST: "100000",
    RATE_LIMIT_TENANT_PER_SEC: "100000",
    RATE_LIMIT_TENANT_BURST: "100000",
    RATE_LIMIT_API_KEY_BURST: "100000",
  });
  // The server's own identity: real sessions and API keys, the one policy, support-access audit.
  const identity = createIdentity({ config, clock });
  const deps: AppDeps = {
    config,
    db,
    logger: quiet,
    isReady: () => true,
    authenticator: identity.authenticator,
    clock,
    secrets,
  };
  return createNodeApp(deps, [identityModule(identity)]);
}

export type People = ReturnType<typeof identityFactory>;

/**
 * Users for a suite on a manual clock that starts now: sessions, support-grant windows, purge
 * cut-offs and the database's audit times all agree (the app gets the same clock).
 */
export const staffFactory = (db: Database): People => identityFactory(db, new ManualClock());

/** A signed-in user of `role` (in `tenantId`, or at the vendor): id, login and request headers. */
export async function signedIn(people: People, role: string, tenantId: string | null) {
  const user = await people.create({ role, tenantId });
  const token =
    role === "citizen"
      ? await citizenToken(people, user.email, tenantId)
      : await people.signInStaff(user.email, tenantId);
  return {
    id: user.id,
    email: user.email,
    headers: { cookie: `${sessionCookieName(false)}=${token}`, origin: ORIGIN },
  };
}
export type SignedIn = Awaited<ReturnType<typeof signedIn>>;

async function citizenToken(people: People, login: string, tenantId: string | null) {
  const r = await signIn({
    ctx: people.ctx,
    input: { login, password: TEST_PASSWORD, kind: "citizen", tenantId },
  });
  if (r.status !== "signed_in") throw new Error(`citizen sign-in: ${r.status}`);
  return r.token;
}

type Json = Record<string, unknown>;
export const req = (
  method: string,
  who: { headers: Record<string, string> } | undefined,
  body?: unknown,
): RequestInit => ({
  method,
  headers: {
    origin: ORIGIN,
    "user-agent": "http-admin-test",
    ...(who?.headers ?? {}),
    ...(body === undefined ? {} : { "content-type": "application/json" }),
  },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

/** Audit rows of a chain (a tenant's or the vendor's) with one action, oldest first. */
export async function auditRows(db: Database, chain: TenantRef | "vendor", action: string) {
  const log = tenantSchema.auditLog;
  const read = (tx: Tx) =>
    tx.select().from(log).where(eq(log.action, action)).orderBy(asc(log.seq));
  return chain === "vendor" ? withPlatform(db, read) : withTenant(db, chain, read);
}

/** Appends a record dated `at` to a tenant's chain (old rows for purge tests). */
export const oldRecord = (db: Database, t: TenantRef, at: Date, extra: Json = {}) =>
  withTenant(db, t, (tx) =>
    writeAudit(tx, { action: "case.update", actorId: "usr_old", tenantId: t.id, at, ...extra }),
  );

/** What a page answered: status, body, redirect target, and the headers (cookies, flash). */
export interface PageAnswer {
  status: number;
  html: string;
  location: string | null;
  headers: Headers;
}

/**
 * GET pages and POST forms (no JavaScript) as a signed-in person does, against the app that
 * `app()` returns when called (suites create theirs in beforeAll).
 */
export function formClient(
  app: () => { request: (path: string, init?: RequestInit) => Response | Promise<Response> },
) {
  const answer = async (res: Response): Promise<PageAnswer> => ({
    status: res.status,
    html: await res.text(),
    location: res.headers.get("location"),
    headers: res.headers,
  });
  return {
    page: async (path: string, who?: SignedIn) =>
      answer(
        await app().request(path, { headers: { accept: "text/html", ...(who?.headers ?? {}) } }),
      ),
    post: async (path: string, who: SignedIn, form: Record<string, string>) =>
      answer(
        await app().request(path, {
          method: "POST",
          headers: {
            ...who.headers,
            origin: ORIGIN,
            "content-type": "application/x-www-form-urlencoded",
          },
          body: new URLSearchParams(form).toString(),
        }),
      ),
  };
}
