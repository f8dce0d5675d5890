import { createApp } from "@zhengyun/api";
import { loadConfig, type ManualClock } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import { type UsageCloudEvent, usageEventsResponseSchema } from "@zhengyun/metering";
import { usageModule } from "@zhengyun/metering/http";
import { suspendTenant } from "@zhengyun/tenancy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityFactory } from "../harness/identity.ts";
import { drivers, type Tenant } from "../harness/index.ts";
import { countRows, dropUsage, NOW, rawTotals, setup } from "../metering/helpers.ts";
import {
  BATCH_TYPE,
  bearer,
  cloudEvent,
  postBatch,
  truthOf,
  usageAuthenticator,
} from "./helpers.ts";

const silent = { info: () => {}, warn: () => {}, error: () => {} };
const at = (minutesAgo: number) => new Date(Date.parse(NOW) - minutesAgo * 60_000).toISOString();

describe.each(drivers())("POST /api/v1/usage/events on %s", (driver) => {
  let db: Database;
  let app: ReturnType<typeof createApp>;
  let identity: ReturnType<typeof identityFactory>;
  let cleanupTenants: () => Promise<void>;
  let a: Tenant;
  let b: Tenant;
  let c: Tenant;
  let clock: ManualClock;
  let writeKey: Record<string, string>;

  beforeAll(async () => {
    const s = await setup(driver);
    db = s.db;
    identity = identityFactory(db);
    a = await s.tenants.create();
    b = await s.tenants.create();
    c = await s.tenants.create();
    clock = s.clock;
    cleanupTenants = s.tenants.cleanup;
    app = createApp({
      config: loadConfig({ NODE_ENV: "test" }),
      db,
      logger: silent,
      isReady: () => true,
      clock: s.clock,
      authenticator: usageAuthenticator(() => identity.ctx),
    });
    usageModule.register(app);
    writeKey = await bearer(identity.ctx, a.id, ["usage:write"]);
  });
  afterAll(async () => {
    await dropUsage(db, [a.id, b.id, c.id]);
    await identity.cleanup([a.id, b.id, c.id]);
    await cleanupTenants();
    await db.close();
  });

  const send = (body: unknown, headers = writeKey, type = BATCH_TYPE) =>
    app.request("/api/v1/usage/events", postBatch(headers, body, type));

  it("ingests with a real usage:write key, answers in order, and counts replays once", async () => {
    const events = [
      cloudEvent(a.slug, "e-1", "terminal.transactions", 3, at(30)),
      cloudEvent(a.slug, "e-2", "sms.sent", 2, at(20)),
      cloudEvent(a.slug, "e-1", "terminal.transactions", 3, at(30)),
      cloudEvent(a.slug, "e-1", "terminal.transactions", 5, at(10), "urn:zy:terminal:t2"),
    ];
    const res = await send(events);
    expect(res.status).toBe(200);
    const body = usageEventsResponseSchema.parse(await res.json());
    expect(body.results).toEqual([
      { id: "e-1", status: "accepted" },
      { id: "e-2", status: "accepted" },
      { id: "e-1", status: "duplicate" },
      { id: "e-1", status: "accepted" },
    ]);
    // Plain application/json is accepted too; a replay changes nothing.
    const again = await send(events, writeKey, "application/json");
    expect(again.status).toBe(200);
    expect(
      usageEventsResponseSchema.parse(await again.json()).results.map((r) => r.status),
    ).toEqual(["duplicate", "duplicate", "duplicate", "duplicate"]);
    expect(await rawTotals(db, a.id)).toEqual({
      "terminal.transactions": { quantity: 8, events: 2 },
      "sms.sent": { quantity: 2, events: 1 },
    });
  });

  it("ends exact under concurrent replays of the same batches by several clients", async () => {
    const meters = ["terminal.transactions", "sms.sent", "portal.applications"];
    const batches: UsageCloudEvent[][] = Array.from({ length: 12 }, (_, n) =>
      Array.from({ length: 50 }, (_, i) =>
        cloudEvent(b.slug, `c-${n}-${i}`, meters[i % 3] as string, (i % 4) + 1, at(i + 1)),
      ),
    );
    const key = await bearer(identity.ctx, b.id, ["usage:write"]);
    const client = async (shift: number) => {
      for (let k = 0; k < batches.length; k++) {
        const res = await send(batches[(k + shift) % batches.length], key);
        expect(res.status).toBe(200);
      }
    };
    await Promise.all([0, 3, 6, 9].map(client));
    const truth = truthOf(batches.flat());
    const raw = await rawTotals(db, b.id);
    expect(Object.fromEntries(Object.entries(raw).map(([m, t]) => [m, t.quantity]))).toEqual(truth);
    expect(await countRows(db, "usage_events", b.id)).toBe(600);
  });

  describe("refuses bad input with a problem naming the events, writing nothing", () => {
    const ok = () => cloudEvent(a.slug, `ok-${Math.random()}`, "sms.sent", 1, at(5));
    const cases: [string, () => unknown, number, RegExp][] = [
      [
        "unknown meter",
        () => [ok(), { ...ok(), id: "bad-meter", type: "no.such.meter" }],
        400,
        /bad-meter.*unknown meter/,
      ],
      [
        "another tenant's subject",
        () => [ok(), { ...ok(), id: "bad-subject", subject: b.slug }],
        400,
        /bad-subject.*not this key's tenant/,
      ],
      [
        "unknown tenant",
        () => [{ ...ok(), id: "bad-tenant", subject: "no-such-tenant" }, ok()],
        400,
        /bad-tenant.*not this key's tenant/,
      ],
      [
        "negative quantity",
        () => [ok(), { ...ok(), id: "bad-neg", data: { quantity: -1 } }],
        400,
        /bad-neg.*quantity/,
      ],
      [
        "non-finite quantity",
        () => `[${JSON.stringify(ok()).replace('"quantity":1', '"quantity":1e999')}]`,
        400,
        /quantity/,
      ],
      [
        "time far in the future",
        () => [ok(), { ...ok(), id: "bad-time", time: "2027-01-01T00:00:00Z" }],
        400,
        /bad-time.*5 minutes ahead/,
      ],
      ["missing fields", () => [ok(), { id: "bad-shape", specversion: "1.0" }], 400, /bad-shape/],
      ["oversized batch", () => Array.from({ length: 1001 }, ok), 413, /at most 1000 events/],
      ["malformed JSON", () => `[${JSON.stringify(ok())}`, 400, /not valid JSON/],
    ];
    it.each(cases)("%s", async (_name, body, status, detail) => {
      const res = await send(body());
      expect(res.status).toBe(status);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      const problem = await res.json();
      expect(JSON.stringify(problem)).toMatch(detail);
      expect(await countRows(db, "usage_event_keys", b.id)).toBe(600);
    });

    it("writes nothing for any of them", async () => {
      const before = await rawTotals(db, a.id);
      for (const [, body] of cases) await send(body());
      expect(await rawTotals(db, a.id)).toEqual(before);
      expect(await countRows(db, "usage_event_keys", a.id)).toBe(3);
    });
  });

  it("refuses a suspended tenant's key with 423 once the 2 s tenant cache has passed", async () => {
    const key = await bearer(identity.ctx, c.id, ["usage:write"]);
    const first = await send([cloudEvent(c.slug, "s-1", "sms.sent", 1, at(3))], key);
    expect(first.status).toBe(200);
    await suspendTenant(db, c.slug);
    clock.advance(2_001);
    const res = await send([cloudEvent(c.slug, "s-2", "sms.sent", 1, at(2))], key);
    expect(res.status).toBe(423);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await countRows(db, "usage_event_keys", c.id)).toBe(1);
  });

  it("refuses other media types, missing and wrong credentials", async () => {
    const events = [cloudEvent(a.slug, "x-1", "sms.sent", 1, at(1))];
    expect((await send(events, writeKey, "text/plain")).status).toBe(415);
    expect((await send(events, {})).status).toBe(401);
    expect((await send(events, { authorization: "Bearer zy_nope" })).status).toBe(401);
    const readKey = await bearer(identity.ctx, a.id, ["read"]);
    expect((await send(events, readKey)).status).toBe(403);
    expect(await countRows(db, "usage_event_keys", a.id)).toBe(3);
  });
});
