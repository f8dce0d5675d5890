import type { Clock, Config, Secrets } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import type { ObjectStore } from "@zhengyun/storage";
import type { Tenant } from "@zhengyun/tenancy";
import type { Context } from "hono";

/** What the app logs through: pino on Node, a console JSON logger on Workers. */
export interface Logger {
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
  error(obj: Record<string, unknown>, msg?: string): void;
}

/** Who is calling. Vendor staff have `tenantId: null`. */
export interface Principal {
  kind: "staff" | "citizen" | "apikey";
  id: string;
  tenantId: string | null;
  roles: string[];
  scopes: string[];
}

/** `"public"` or a permission such as "tenants:create" or "tenant.profile:read". */
export type Permission = "public" | (string & {});

/** The seam identity fills (issue 3): who is this, and may they do that here. */
export interface Authenticator {
  authenticate(c: Context<AppEnv>): Promise<Principal | undefined>;
  authorize(principal: Principal, permission: string, tenant: Tenant | undefined): boolean;
  /** Runs once the route's guard has allowed the request (e.g. to audit support access); may refuse. */
  onAuthorized?(
    c: Context<AppEnv>,
    principal: Principal,
    permission: string,
    tenant: Tenant | undefined,
  ): Promise<void>;
}

export interface AppDeps {
  config: Config;
  db: Database;
  logger: Logger;
  /** True once migrations and any demo seeding are done. */
  isReady(): boolean;
  authenticator?: Authenticator;
  storage?: ObjectStore;
  clock?: Clock;
  /** The runtime's secrets (Node): the audit chain key for purges. */
  secrets?: Secrets;
  /** Counts each tenant's API requests (api.requests); the Node server flushes it to metering. */
  requestCounter?: { count(tenantId: string, n?: number): void };
}

export interface AppEnv {
  Variables: {
    requestId: string;
    logger: Logger;
    deps: AppDeps;
    tenant: Tenant | undefined;
    principal: Principal | undefined;
  };
}
