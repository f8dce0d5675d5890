import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { serve } from "@hono/node-server";
import { startQuotaJob } from "@zhengyun/billing";
import { startReminderJob } from "@zhengyun/billing/payments";
import { serveCliAdmin } from "@zhengyun/cli";
import { startEscalation } from "@zhengyun/community/jobs";
import { type Config, newId } from "@zhengyun/core";
import { loadNodeConfig } from "@zhengyun/core/node";
import type { App, Authenticator, Logger } from "@zhengyun/http";
import { HttpProblem, problemResponse, toProblem } from "@zhengyun/http";
import { type Jobs, startJobs } from "@zhengyun/jobs";
import { createRequestCounter, ingestEvents, type RequestCounter } from "@zhengyun/metering";
import { startPortalJobs } from "@zhengyun/portal/jobs";
import { bootRuntime, type LocalAdmin, type Runtime } from "@zhengyun/runtime";
import pino from "pino";
import { createApp } from "./app.ts";
import { createIdentity, identityModule } from "./auth/index.ts";
import { nodeModules } from "./modules.node.ts";

export interface StartServerOptions {
  /** Defaults to loadNodeConfig(); PORT 0 picks a free port. */
  config?: Config;
  /** Boots the runtime; defaults to bootRuntime({ mode: "server", config }). */
  boot?: (config: Config) => Promise<Runtime>;
  logger?: Logger;
  /** Defaults to identity's: session cookie or API key (apps/api/src/auth). */
  authenticator?: Authenticator;
  /** Extra routes (modules, tests) registered after the built-in ones. */
  routes?: (app: App) => void;
  /** Where the URL and demo sign-in details go; default stdout. */
  print?: (line: string) => void;
}

export interface RunningServer {
  url: string;
  /** Settles when boot is done and /readyz answers 200 (rejects when boot fails). */
  ready: Promise<void>;
  /** Stops accepting, lets in-flight requests finish (up to SHUTDOWN_GRACE_MS), closes the runtime. */
  close(): Promise<void>;
}

/** Before boot finishes only /healthz answers; everything else is 503 so probes and users can tell. */
function booting(req: Request): Response {
  const path = new URL(req.url).pathname;
  if (path === "/healthz") return Response.json({ status: "ok" });
  const requestId = newId("req");
  const problem = toProblem(new HttpProblem("not_ready", "Starting up"), path, requestId);
  return problemResponse(problem, req.headers.get("accept") ?? undefined, requestId);
}

function describeStart(rt: Runtime, url: string): string[] {
  const lines = [`政云 Zhengyun is serving at ${url}  (API reference: ${url}/api/docs)`];
  if (!rt.demo) return lines;
  lines.push("Demo data:");
  for (const t of rt.demo.tenants) lines.push(`  ${t.name}  ${url}/t/${t.slug}/api/v1/profile`);
  for (const s of rt.demo.signIn) {
    lines.push(
      `  sign in as ${s.role}${s.tenantSlug ? ` (${s.tenantSlug})` : ""}: ${s.email} / ${s.password}`,
    );
    if (s.otpauthUri) lines.push(`    TOTP (add to an authenticator app): ${s.otpauthUri}`);
  }
  return lines;
}

export async function startServer(opts: StartServerOptions = {}): Promise<RunningServer> {
  const config = opts.config ?? loadNodeConfig();
  const logger: Logger = opts.logger ?? pino({ level: config.LOG_LEVEL });
  const print = opts.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  // The Node bindings travel to the app so it can see the socket's peer address (rate limits).
  let handle: (req: Request, env?: unknown) => Response | Promise<Response> = booting;
  let ready = false;

  // Listen before booting, so liveness answers while migrations and seeding run.
  const server = serve({
    fetch: (req, env) => handle(req, env),
    port: config.PORT,
    hostname: config.HOST,
  });
  await new Promise<void>((resolve, reject) => {
    if (server.listening) resolve();
    server.once("listening", () => resolve());
    server.once("error", reject);
  });
  const port = (server.address() as AddressInfo).port;
  const url = config.PUBLIC_URL ?? `http://localhost:${port}`;

  let rt: Runtime | undefined;
  let admin: LocalAdmin | undefined;
  let jobs: Jobs | undefined;
  let requestCounter: RequestCounter | undefined;
  const booted = (async () => {
    rt = await (opts.boot ?? ((cfg) => bootRuntime({ mode: "server", config: cfg })))(config);
    const { db } = rt;
    // api.requests per tenant, flushed every second off the request path and on close.
    requestCounter = createRequestCounter({
      flush: (tenantId, events) => ingestEvents(db, { tenantId, source: "api", events }),
      onError: (err) => logger.warn({ err: String(err) }, "request counts kept for the next flush"),
    });
    const identity = createIdentity({ config: rt.config, secretKey: rt.secrets.sessionSecret });
    const app = createApp({
      config: rt.config,
      db: rt.db,
      storage: rt.storage,
      secrets: rt.secrets,
      logger,
      requestCounter,
      isReady: () => ready,
      authenticator: opts.authenticator ?? identity.authenticator,
    });
    identityModule(identity).register(app);
    for (const m of nodeModules) m.register(app);
    opts.routes?.(app);
    handle = (req, env) => app.fetch(req, env);
    // `pnpm cli` reaches the embedded database through this process while it runs.
    admin = await serveCliAdmin(rt);
    // Outbox relays and notification delivery (JOBS=off leaves them to another process).
    jobs = await startJobs(rt, { logger });
    // Overdue-invoice reminders at 7, 14 and 30 days (idempotent per invoice and stage).
    if (jobs.queue) await startReminderJob(jobs.queue, rt.db, { logger });
    // Usage quota warnings (80% / 100% of the month's allowance), daily; once per threshold.
    if (jobs.queue) await startQuotaJob(jobs.queue, rt.db, { logger });
    // Supervision (督办): overdue community requests rise to the parent centre.
    if (jobs.queue) await startEscalation(jobs.queue, rt.db, logger);
    // Scheduled articles, deemed acceptance (5 working days), overdue consultations.
    if (jobs.queue) await startPortalJobs(jobs.queue, rt.db, logger);
    ready = true;
    for (const line of describeStart(rt, url)) print(line);
  })();
  booted.catch((err) => logger.error({ err: String(err) }, "boot failed"));

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      if ("closeIdleConnections" in server) server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), config.SHUTDOWN_GRACE_MS);
      });
      if ((await Promise.race([drained, grace])) === "timeout" && "closeAllConnections" in server) {
        logger.warn(
          { graceMs: config.SHUTDOWN_GRACE_MS },
          "in-flight requests cut off at shutdown",
        );
        server.closeAllConnections();
      }
      clearTimeout(timer);
      await booted.catch(() => {});
      await requestCounter
        ?.close()
        .catch((err) => logger.error({ err: String(err) }, "request counts lost at shutdown"));
      await jobs?.stop();
      await admin?.close();
      await rt?.close();
    })();
    return closing;
  };
  return { url, ready: booted, close };
}

async function main(): Promise<void> {
  const demo = process.argv.includes("--demo");
  const config = loadNodeConfig(demo ? { DEMO: "true" } : {});
  const running = await startServer({ config });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: shutting down\n`);
    running.close().then(
      () => process.exit(0),
      (err) => {
        process.stderr.write(`shutdown failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  await running.ready.catch((err) => {
    process.stderr.write(`boot failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
