import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineRoute } from "@zhengyun/api";
import { type RunningServer, startServer } from "@zhengyun/api/server";
import { loadConfig } from "@zhengyun/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers } from "../harness/index.ts";

/** A route whose handler waits for the test, to hold a request in flight across shutdown. */
const slowRoute = defineRoute({
  method: "get",
  path: "/test/slow",
  permission: "public",
  responses: { 200: { description: "done" } },
});

describe.each(drivers())("Node server (startServer) on %s", (driver) => {
  const dir = mkdtempSync(join(tmpdir(), "zy-server-"));
  let server: RunningServer;
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  let entered: () => void = () => {};
  const inFlight = new Promise<void>((r) => {
    entered = r;
  });
  const printed: string[] = [];

  beforeAll(async () => {
    const config = loadConfig({
      DATA_DIR: dir,
      PORT: "0",
      HOST: "127.0.0.1",
      DEMO: "false",
      // The job workers would sweep every tenant of the shared test database; jobs have their own suite.
      JOBS: "off",
      LOG_LEVEL: "silent",
      SHUTDOWN_GRACE_MS: "30000",
      DATABASE_URL: driver === "postgres" ? process.env.TEST_DATABASE_URL : undefined,
    });
    server = await startServer({
      config,
      logger: { info: () => {}, warn: () => {}, error: () => {} },
      print: (line) => printed.push(line),
      routes: (app) =>
        app.openapi(slowRoute, async (c) => {
          entered();
          await gate;
          return c.text("finished");
        }),
    });
  });
  afterAll(async () => {
    release();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("listens, becomes ready and prints its URL", async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    await server.ready;
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect(printed[0]).toContain(server.url);
    const res = await fetch(`${server.url}/t/no-such-tenant/api/v1/profile`);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });

  it("lets an in-flight request finish on shutdown and refuses new connections", async () => {
    await server.ready;
    const pending = fetch(`${server.url}/test/slow`);
    await inFlight;
    const closed = server.close();
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    release();
    const res = await pending;
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("finished");
    await closed;
  });
});
