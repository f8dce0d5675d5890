import { AsyncLocalStorage } from "node:async_hooks";
import { loadConfig } from "@zhengyun/core";
import { type Database, openPostgres } from "@zhengyun/db";
import type { App } from "@zhengyun/http";
import { consoleLogger } from "@zhengyun/http";
import type { ExecutionContext } from "hono";
import { createApp } from "./app.ts";

/** Bindings from infra/wrangler.toml: Hyperdrive for Postgres, plain vars for configuration. */
export interface WorkerEnv {
  HYPERDRIVE: { connectionString: string };
  [name: string]: unknown;
}

/*
 * Workers forbid using a socket opened during one request from another request, so each request
 * gets its own postgres.js client (Hyperdrive pools the real connections at the edge, which makes
 * this cheap). The app is built once per isolate over a Database whose `orm` is the current
 * request's client.
 */
const current = new AsyncLocalStorage<Database>();

function requestScopedDatabase(rolePrefix: string): Database {
  return {
    get orm() {
      const db = current.getStore();
      if (!db) throw new Error("database used outside a request");
      return db.orm;
    },
    driver: "postgres",
    rolePrefix,
    runtimeRole: `${rolePrefix}runtime`,
    close: async () => {},
  };
}

let isolate: { app: App; rolePrefix: string } | undefined;

function buildApp(env: WorkerEnv, rolePrefix: string): App {
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === "string") vars[k] = v;
  const config = loadConfig({ ...vars, DATABASE_URL: env.HYPERDRIVE.connectionString });
  // Migrations and provisioning are the Node side's job, so the Worker is ready at once.
  return createApp({
    config,
    db: requestScopedDatabase(rolePrefix),
    logger: consoleLogger({ entry: "worker" }),
    isReady: () => true,
  });
}

export default {
  async fetch(req: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    const db = await openPostgres({
      url: env.HYPERDRIVE.connectionString,
      max: 5,
      ...(isolate ? { rolePrefix: isolate.rolePrefix } : {}),
    });
    try {
      isolate ??= { app: buildApp(env, db.rolePrefix), rolePrefix: db.rolePrefix };
      const { app } = isolate;
      return await current.run(db, () => app.fetch(req, env, ctx));
    } finally {
      ctx.waitUntil(db.close());
    }
  },
};
