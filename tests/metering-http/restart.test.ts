import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningServer, startServer } from "@zhengyun/api/server";
import { loadConfig } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import { shanghaiDay, type UsageCloudEvent } from "@zhengyun/metering";
import { bootRuntime, type Runtime } from "@zhengyun/runtime";
import { afterAll, describe, expect, it } from "vitest";
import { identityFactory } from "../harness/identity.ts";
import { drivers, type Tenant, tenantFactory } from "../harness/index.ts";
import { dropUsage, rawTotals } from "../metering/helpers.ts";
import { bearer, cloudEvent, postBatch, truthOf, usageAuthenticator } from "./helpers.ts";

const silent = { info: () => {}, warn: () => {}, error: () => {} };
const METERS = ["terminal.transactions", "sms.sent", "email.sent", "portal.applications"];
/** portal.applications counts events; the others sum quantities. */
const COUNTED = "portal.applications";

/**
 * A real listening server closed in the middle of an ingest and started again on the same
 * database: the senders replay everything, and totals equal the ground truth exactly. Request
 * counts of the first process are flushed on its graceful shutdown.
 */
describe.each(drivers())("usage ingestion across a server restart on %s", (driver) => {
  const dir = mkdtempSync(join(tmpdir(), "zy-usage-restart-"));
  let rt: Runtime | undefined;
  const db = (): Database => {
    if (!rt) throw new Error("server not booted");
    return rt.db;
  };
  const config = loadConfig({
    DATA_DIR: dir,
    PORT: "0",
    HOST: "127.0.0.1",
    DEMO: "false",
    JOBS: "off",
    LOG_LEVEL: "silent",
    DATABASE_URL: driver === "postgres" ? process.env.TEST_DATABASE_URL : undefined,
  });
  const start = async () => {
    const server = await startServer({
      config,
      logger: silent,
      print: () => {},
      boot: async (cfg) => {
        rt = await bootRuntime({ mode: "server", config: cfg });
        return rt;
      },
      authenticator: usageAuthenticator(() => ({ db: db() })),
    });
    await server.ready;
    return server;
  };
  let server: RunningServer | undefined;
  let tenant: Tenant | undefined;

  afterAll(async () => {
    if (tenant && rt) {
      await dropUsage(rt.db, [tenant.id]);
      await identityFactory(rt.db).cleanup([tenant.id]);
      const factory = tenantFactory(rt.db);
      factory.track(tenant);
      await factory.cleanup();
    }
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("counts every event exactly once when the server stops mid-ingest and senders replay", async () => {
    server = await start();
    const t = await tenantFactory(db()).create();
    tenant = t;
    const key = await bearer({ db: db() }, t.id, ["usage:write", "read"]);
    for (let i = 0; i < 5; i++) await fetch(`${server.url}/t/${t.slug}/api/v1/profile`);

    const now = Date.now();
    const batches: UsageCloudEvent[][] = Array.from({ length: 24 }, (_, n) =>
      Array.from({ length: 100 }, (_, i) => {
        const time = new Date(now - ((n * 100 + i) % 600) * 60_000).toISOString();
        return cloudEvent(t.slug, `r-${n}-${i}`, METERS[i % 4] as string, (i % 7) + 1, time);
      }),
    );
    const send = (url: string, batch: UsageCloudEvent[]) =>
      fetch(`${url}/api/v1/usage/events`, postBatch(key, batch));

    // Four senders; the server is closed once eight batches are acknowledged.
    const first = server;
    let next = 0;
    let acked = 0;
    let closing: Promise<void> | undefined;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < batches.length) {
          const batch = batches[next++] as UsageCloudEvent[];
          const res = await send(first.url, batch).catch(() => undefined);
          if (res?.status === 200) acked++;
          if (acked >= 8) closing ??= first.close();
        }
      }),
    );
    await closing;
    expect(acked).toBeGreaterThanOrEqual(8);
    expect(acked).toBeLessThan(batches.length);

    server = await start();
    const second = server;
    let duplicates = 0;
    for (const batch of batches) {
      const res = await send(second.url, batch);
      expect(res.status).toBe(200);
      const { results } = (await res.json()) as { results: { status: string }[] };
      duplicates += results.filter((r) => r.status === "duplicate").length;
    }
    expect(duplicates).toBeGreaterThanOrEqual(acked * 100);

    const truth = truthOf(batches.flat());
    const raw = await rawTotals(db(), t.id);
    for (const meter of METERS) expect(raw[meter]?.quantity, meter).toBe(truth[meter]);
    const from = shanghaiDay(new Date(now - 86_400_000));
    const to = shanghaiDay(new Date(now));
    const total = async (meter: string) => {
      const res = await fetch(
        `${second.url}/api/v1/usage?tenant=${t.slug}&meter=${meter}&from=${from}&to=${to}`,
        { headers: key },
      );
      expect(res.status).toBe(200);
      return ((await res.json()) as { total: number }).total;
    };
    for (const meter of METERS) {
      const events = batches.flat().filter((e) => e.type === meter).length;
      expect(await total(meter), meter).toBe(meter === COUNTED ? events : truth[meter]);
    }
    // The first process flushed its request counts when it shut down.
    expect(await total("api.requests")).toBe(5);
  });
});
