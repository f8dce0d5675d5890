import { createApp } from "@zhengyun/api";
import { createApiKey } from "@zhengyun/auth";
import {
  type CsCtx,
  csRequests,
  csRequestUpdates,
  type Submitted,
  submitRequest,
} from "@zhengyun/community";
import { ManualClock } from "@zhengyun/core";
import { type Database, platformSchema, tenantSchema } from "@zhengyun/db";
import { withTenant } from "@zhengyun/tenancy";
import { and, count, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";
import { readJson, testDeps } from "../http/helpers.ts";
import { seedServices, seedTree } from "./fixtures.ts";
import { apiKeyAuthenticator, form, readRef, xml } from "./open311-helpers.ts";

const keysOf = (o: object) => Object.keys(o).sort();

// FixMyStreet's POST servicerequestupdates (its users' comments on a report), both formats.
describe.each(drivers())("Open311 POST servicerequestupdates on %s", (driver) => {
  let db: Database;
  let factory: ReturnType<typeof tenantFactory>;
  let tenant: Tenant;
  let other: Tenant;
  let app: ReturnType<typeof createApp>;
  let key: string;
  let keyId: string;
  let readKey: string;
  let otherKey: string;
  let req: Submitted;
  let second: Submitted;
  let foreign: Submitted;
  const clock = new ManualClock("2026-03-02T01:00:00Z");
  const base = () => `/t/${tenant.slug}/open311/v2`;
  const post = (path: string, fields: [string, string][]) =>
    app.request(`${base()}/${path}`, form(fields));
  /** What FixMyStreet's client sends for one comment. */
  const update = (id: string, over: Record<string, string | null> = {}): [string, string][] => {
    const fields: Record<string, string | null> = {
      api_key: key,
      jurisdiction_id: tenant.slug,
      update_id: id,
      updated_datetime: "2026-03-02T08:55:00+08:00",
      service_request_id: req.id,
      status: "OPEN",
      description: "井盖还没有修好",
      first_name: "Ming",
      last_name: "Li",
      email: "li.ming@example.cn",
      ...over,
    };
    return Object.entries(fields).filter((e): e is [string, string] => e[1] !== null);
  };
  const counts = () =>
    withTenant(db, tenant, async (tx) => ({
      updates: (await tx.select({ n: count() }).from(csRequestUpdates))[0]?.n,
      audit: (await tx.select({ n: count() }).from(tenantSchema.auditLog))[0]?.n,
    }));

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    factory = tenantFactory(db);
    tenant = await factory.create();
    other = await factory.create();
    for (const t of [tenant, other]) {
      const ctx: CsCtx = { db, tenant: t, clock };
      await seedTree(ctx);
      await seedServices(ctx);
    }
    const input = { serviceCode: "PERMIT", channel: "open311" as const, address: "示例路 3 号" };
    req = await submitRequest({ ctx: { db, tenant, clock }, input });
    second = await submitRequest({ ctx: { db, tenant, clock }, input });
    foreign = await submitRequest({ ctx: { db, tenant: other, clock }, input });
    const mk = async (t: Tenant, scopes: ("open311" | "read")[]) =>
      createApiKey({ ctx: { db, clock }, input: { tenantId: t.id, scopes } });
    const made = await mk(tenant, ["open311"]);
    [key, keyId] = [made.key, made.apiKey.id];
    readKey = (await mk(tenant, ["read"])).key;
    otherKey = (await mk(other, ["open311"])).key;
    // A body limit that lets a too-long description reach the validation (the default test one is 2 KiB).
    const deps = testDeps(db, { authenticator: apiKeyAuthenticator(db, clock), clock });
    app = createApp({ ...deps, config: { ...deps.config, BODY_LIMIT_BYTES: 65_536 } });
  });
  afterAll(async () => {
    await db.orm
      .delete(platformSchema.apiKeys)
      .where(inArray(platformSchema.apiKeys.tenantId, [tenant.id, other.id]));
    await factory.cleanup();
    await db.close();
  });

  it("keeps a client's comment as a public update, audited, and answers its id (XML as FMS reads it)", async () => {
    const res = await post(
      "servicerequestupdates.xml",
      update("fms-101", { status: "closed", media_url: "https://fms.example.cn/p/101.jpeg" }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/xml/);
    const doc = xml.parse(await res.text());
    // FixMyStreet reads <service_request_updates><request_update><update_id>.
    const updateId = doc.service_request_updates.request_update[0].update_id;
    expect(updateId).toMatch(/^[0-9]+$/);

    const [row] = await withTenant(db, tenant, (tx) =>
      tx
        .select()
        .from(csRequestUpdates)
        .where(eq(csRequestUpdates.id, Number(updateId))),
    );
    expect(row).toMatchObject({
      requestId: Number(req.id),
      state: "received",
      note: "井盖还没有修好",
      noteKey: null,
      externalId: "fms-101",
      clientStatus: "CLOSED",
      mediaUrl: "https://fms.example.cn/p/101.jpeg",
      actorId: keyId,
    });
    expect(row?.reportedAt?.toISOString()).toBe("2026-03-02T00:55:00.000Z");
    expect(row?.at.toISOString()).toBe(clock.now().toISOString());
    // A client's CLOSED is recorded, not obeyed: the handling loop stays with the staff.
    const [request] = await withTenant(db, tenant, (tx) =>
      tx
        .select()
        .from(csRequests)
        .where(eq(csRequests.id, Number(req.id))),
    );
    expect(request?.state).toBe("received");
    const audit = await withTenant(db, tenant, (tx) =>
      tx
        .select()
        .from(tenantSchema.auditLog)
        .where(
          and(
            eq(tenantSchema.auditLog.action, "cs.request.client_update"),
            eq(tenantSchema.auditLog.objectId, req.id),
          ),
        ),
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorId: keyId,
      actorRole: "apikey",
      data: { updateId: Number(updateId), externalId: "fms-101", status: "CLOSED" },
    });

    // The GET feed shows it with the sample's fields, and its media.
    const feed = xml.parse(await (await app.request(`${base()}/servicerequestupdates.xml`)).text());
    const mine = feed.service_requests_updates.request_update.find(
      (u: { update_id: string }) => u.update_id === updateId,
    );
    const sample = xml.parse(readRef("examples/17_fms_servicerequestupdates_get.xml"));
    for (const k of keysOf(sample.service_requests_updates.request_update[0]))
      expect(mine).toHaveProperty(k);
    expect(mine).toMatchObject({
      service_request_id: req.id,
      status: "open",
      description: "井盖还没有修好",
      media_url: "https://fms.example.cn/p/101.jpeg",
    });
  });

  it("answers JSON too; a retried update_id answers the first id and writes nothing", async () => {
    const first = await post("servicerequestupdates.json", update("fms-102"));
    expect(first.status).toBe(200);
    const body = await readJson(first);
    expect(body).toEqual([{ update_id: expect.stringMatching(/^[0-9]+$/) }]);
    const before = await counts();
    const again = await post("servicerequestupdates.json", update("fms-102"));
    expect(await readJson(again)).toEqual(body);
    const asXml = xml.parse(
      await (await post("servicerequestupdates.xml", update("fms-102"))).text(),
    );
    expect(asXml.service_request_updates.request_update[0].update_id).toBe(body[0].update_id);
    expect(await counts()).toEqual(before);
  });

  describe("bad input: the spec's errors, the right status, nothing written", () => {
    const expectError = async (res: Response, status: number, format: "json" | "xml") => {
      expect(res.status).toBe(status);
      const text = await res.text();
      if (format === "json") {
        const list = JSON.parse(text);
        for (const e of list) expect(keysOf(e)).toEqual(["code", "description"]);
        expect(list[0].code).toBe(status);
        return list.map((e: { description: string }) => e.description).join("; ");
      }
      const doc = xml.parse(text);
      expect(Number(doc.errors.error[0].code)).toBe(status);
      return doc.errors.error.map((e: { description: string }) => e.description).join("; ");
    };
    const unchanged = async (fn: () => Promise<void>) => {
      const before = await counts();
      await fn();
      expect(await counts()).toEqual(before);
    };

    it("a missing, bad or read-only api_key → 403; another tenant's key → 404", async () => {
      await unchanged(async () => {
        const text = await expectError(
          await post("servicerequestupdates.xml", update("k-1", { api_key: null })),
          403,
          "xml",
        );
        expect(text).toMatch(/post_service_request_update/);
        await expectError(
          await post("servicerequestupdates.json", update("k-2", { api_key: "zy_nope" })),
          403,
          "json",
        );
        await expectError(
          await post("servicerequestupdates.json", update("k-3", { api_key: readKey })),
          403,
          "json",
        );
        await expectError(
          await post("servicerequestupdates.json", update("k-4", { api_key: otherKey })),
          404,
          "json",
        );
      });
    });

    it("unknown request, another jurisdiction, or this key at another tenant's URL → 404", async () => {
      await unchanged(async () => {
        await expectError(
          await post("servicerequestupdates.xml", update("n-1", { service_request_id: "999999" })),
          404,
          "xml",
        );
        await expectError(
          await post("servicerequestupdates.json", update("n-2", { jurisdiction_id: "elsewhere" })),
          404,
          "json",
        );
      });
      // Request ids are per tenant: the other tenant has its own request with this id.
      const theirs = () =>
        withTenant(db, other, async (tx) => (await tx.select().from(csRequestUpdates)).length);
      const before = await theirs();
      const res = await app.request(
        `/t/${other.slug}/open311/v2/servicerequestupdates.json`,
        form(update("n-3", { jurisdiction_id: null, service_request_id: foreign.id })),
      );
      await expectError(res, 404, "json");
      expect(await theirs()).toBe(before);
    });

    it("missing or malformed fields → 400 naming the field", async () => {
      const cases: [Record<string, string | null>, RegExp][] = [
        [{ description: null }, /description/],
        [{ description: "   " }, /description/],
        [{ status: "PENDING" }, /status/],
        [{ status: null }, /status/],
        [{ updated_datetime: "2026-03-02 08:55" }, /updated_datetime/],
        [{ updated_datetime: "2026-03-02T08:55:00" }, /updated_datetime/],
        [{ updated_datetime: "2026-03-09T08:55:00+08:00" }, /updated_datetime.*future/],
        [{ update_id: null }, /update_id/],
        [{ update_id: "has space" }, /update_id/],
        [{ service_request_id: null }, /service_request_id/],
        [{ service_request_id: "abc" }, /service_request_id/],
        [{ media_url: "javascript:alert(1)" }, /media_url/],
        [{ email: "not-an-email" }, /email/],
        [{ description: "x".repeat(4001) }, /description/],
      ];
      await unchanged(async () => {
        for (const [over, field] of cases) {
          const json = await expectError(
            await post("servicerequestupdates.json", update("bad-1", over)),
            400,
            "json",
          );
          expect(json, JSON.stringify(over)).toMatch(field);
        }
        await expectError(
          await post("servicerequestupdates.xml", update("bad-2", { status: "PENDING" })),
          400,
          "xml",
        );
      });
    });

    it("the same update_id on another request → 400", async () => {
      expect((await post("servicerequestupdates.json", update("dup-1"))).status).toBe(200);
      await unchanged(async () => {
        const text = await expectError(
          await post(
            "servicerequestupdates.json",
            update("dup-1", { service_request_id: second.id }),
          ),
          400,
          "json",
        );
        expect(text).toMatch(/update_id/);
      });
    });
  });
});
