import { createApp } from "@zhengyun/api";
import { createApiKey } from "@zhengyun/auth";
import { type CsCtx, csRequests, saveService } from "@zhengyun/community";
import { ManualClock } from "@zhengyun/core";
import { type Database, platformSchema } from "@zhengyun/db";
import { withTenant } from "@zhengyun/tenancy";
import { count, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";
import { readJson, testDeps } from "../http/helpers.ts";
import { seedServices, seedTree } from "./fixtures.ts";
import { apiKeyAuthenticator, form, open311Validators, readRef, xml } from "./open311-helpers.ts";

const keysOf = (o: object) => Object.keys(o).sort();

describe.each(drivers())("Open311 GeoReport v2 on %s", (driver) => {
  let db: Database;
  let factory: ReturnType<typeof tenantFactory>;
  let tenant: Tenant;
  let other: Tenant;
  let app: ReturnType<typeof createApp>;
  let key: string;
  let readKey: string;
  let otherKey: string;
  const clock = new ManualClock("2026-03-02T01:00:00Z");
  const v = open311Validators();
  const base = () => `/t/${tenant.slug}/open311/v2`;
  const get = (path: string, headers: Record<string, string> = {}) =>
    app.request(`${base()}/${path}`, { headers });
  const post = (path: string, fields: [string, string][] | string) =>
    app.request(`${base()}/${path}`, form(fields));
  const requestCount = async () =>
    Number(
      (await withTenant(db, tenant, (tx) => tx.select({ n: count() }).from(csRequests)))[0]?.n,
    );
  const report = (extra: [string, string][] = []): [string, string][] => [
    ["api_key", key],
    ["service_code", "ROAD01"],
    ["lat", "39.89"],
    ["long", "116.3"],
    ["description", "路面塌陷"],
    ["attribute[SIZE]", "L"],
    ...extra,
  ];

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    factory = tenantFactory(db);
    tenant = await factory.create();
    other = await factory.create();
    const ctx: CsCtx = { db, tenant, clock };
    await seedTree(ctx);
    await seedServices(ctx);
    // The spec's sample service, so its sample POST can be replayed as printed.
    await saveService({
      ctx,
      input: {
        code: "001",
        group: "sanitation",
        nameZh: "垃圾桶未收",
        nameEn: "Cans left out 24x7",
        level: "community",
        slaUnit: "days",
        slaAmount: 2,
        attributes: [
          { code: "WHISPAWN", datatype: "string", required: true, order: 1, description: "Ticket" },
          { code: "WHISDORN", datatype: "string", required: false, order: 2, description: "Tag" },
        ],
      },
    });
    const mk = async (t: Tenant, scopes: ("open311" | "read")[]) =>
      (await createApiKey({ ctx: { db, clock }, input: { tenantId: t.id, scopes } })).key;
    key = await mk(tenant, ["open311"]);
    readKey = await mk(tenant, ["read"]);
    otherKey = await mk(other, ["open311"]);
    app = createApp(testDeps(db, { authenticator: apiKeyAuthenticator(db, clock), clock }));
  });
  afterAll(async () => {
    await db.orm
      .delete(platformSchema.apiKeys)
      .where(inArray(platformSchema.apiKeys.tenantId, [tenant.id, other.id]));
    await factory.cleanup();
    await db.close();
  });

  it("serves discovery in the spec's shape, both formats", async () => {
    const sample = JSON.parse(readRef("examples/16_discovery.json"));
    const json = await readJson(await get("discovery.json"));
    expect(keysOf(json)).toEqual(keysOf(sample));
    expect(keysOf(json.endpoints[0])).toEqual(keysOf(sample.endpoints[0]));
    expect(json.endpoints[0].url).toMatch(new RegExp(`/t/${tenant.slug}/open311/v2$`));
    const res = await get("discovery.xml");
    expect(res.headers.get("content-type")).toMatch(/^text\/xml/);
    const doc = xml.parse(await res.text());
    expect(doc.discovery.endpoints.endpoint[0].formats.format).toEqual([
      "text/xml",
      "application/json",
    ]);
  });

  it("lists services and their definitions, valid against the schemas and shaped like the samples", async () => {
    const services = await readJson(await get("services.json"));
    expect(v.services(services)).toBe(true);
    expect(services.map((s: { service_code: string }) => s.service_code)).toEqual([
      "001",
      "PERMIT",
      "ROAD01",
    ]);
    const en = await readJson(await get("services.json", { "accept-language": "en-GB,en" }));
    expect(en.find((s: { service_code: string }) => s.service_code === "ROAD01").service_name).toBe(
      "Pothole",
    );

    const sampleList = xml.parse(readRef("examples/00_get_service_list.xml"));
    const list = xml.parse(await (await get("services.xml")).text());
    expect(keysOf(list.services.service[0])).toEqual(keysOf(sampleList.services.service[0]));

    const def = await readJson(await get("services/ROAD01.json"));
    expect(v.definition(def)).toBe(true);
    expect(def.attributes.map((a: { code: string }) => a.code)).toEqual([
      "SIZE",
      "HAZARDS",
      "WHEN",
    ]);
    const sampleDef = xml.parse(readRef("examples/02_get_service_definition.xml"));
    const defXml = xml.parse(await (await get("services/ROAD01.xml")).text());
    const [mine, theirs] = [
      defXml.service_definition.attributes.attribute[0],
      sampleDef.service_definition.attributes.attribute[0],
    ];
    expect(keysOf(mine)).toEqual(keysOf(theirs));
    expect(keysOf(mine.values.value[0])).toEqual(keysOf(theirs.values.value[0]));
  });

  it("accepts a form POST with attribute[CODE] and attribute[CODE][]; the id is a string everywhere", async () => {
    const res = await post(
      "requests.json",
      report([
        ["attribute[HAZARDS][]", "water"],
        ["attribute[HAZARDS][]", "traffic"],
        ["email", "a@example.cn"],
      ]),
    );
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(keysOf(body[0])).toEqual(
      keysOf(JSON.parse(readRef("examples/06_post_service_request.json"))[0]),
    );
    const id = body[0].service_request_id;
    expect(id).toMatch(/^[0-9]+$/);
    const [row] = await withTenant(db, tenant, (tx) =>
      tx
        .select()
        .from(csRequests)
        .where(eq(csRequests.id, Number(id))),
    );
    expect(row?.attributes).toEqual({ SIZE: "L", HAZARDS: ["water", "traffic"] });
    expect([row?.channel, row?.contact.email]).toEqual(["open311", "a@example.cn"]);

    const one = await readJson(await get(`requests/${id}.json`));
    expect(v.requests(one)).toBe(true);
    expect(one[0]).toMatchObject({
      service_request_id: id,
      status: "open",
      service_code: "ROAD01",
    });
    expect(one[0].requested_datetime).toBe("2026-03-02T09:00:00+08:00");
    const sampleOne = xml.parse(readRef("examples/11_get_service_request.xml"));
    const oneXml = xml.parse(await (await get(`requests/${id}.xml`)).text());
    expect(keysOf(oneXml.service_requests.request[0])).toEqual(
      keysOf(sampleOne.service_requests.request[0]),
    );

    const byToken = await readJson(await get(`tokens/${row?.token}.json`));
    expect(byToken).toEqual([{ service_request_id: id, token: row?.token }]);
    const tokenXml = xml.parse(await (await get(`tokens/${row?.token}.xml`)).text());
    expect(tokenXml.service_requests.request[0].service_request_id).toBe(id);
  });

  it("replays the spec's sample POST (form-encoded, XML answer)", async () => {
    const raw = readRef("examples/04_post_service_request.txt").trim().split("\n").at(-1) ?? "";
    const fields = new URLSearchParams(raw);
    fields.set("api_key", key);
    fields.set("jurisdiction_id", tenant.slug);
    const res = await post("requests.xml", fields.toString());
    expect(res.status).toBe(200);
    const doc = xml.parse(await res.text());
    const sample = xml.parse(readRef("examples/05_post_service_request.xml"));
    expect(keysOf(doc.service_requests.request[0])).toEqual(
      keysOf(sample.service_requests.request[0]),
    );
    const id = doc.service_requests.request[0].service_request_id;
    const list = await readJson(await get(`requests.json?service_request_id=${id}`));
    expect(list[0]).toMatchObject({
      service_code: "001",
      address: "1234 5th street",
      lat: 37.76524078,
    });
  });

  it("filters GET requests and answers in both formats; the spec's fixed samples pass the same schema", async () => {
    // Sample 10 carries a media_url with a trailing space, which is not a URI; trimmed, it passes.
    const sample10 = JSON.parse(readRef("examples/10_get_service_requests.fixed.json"));
    for (const r of sample10) r.media_url = r.media_url.trim();
    expect(v.requests(sample10)).toBe(true);
    expect(v.requests(JSON.parse(readRef("examples/12_get_service_request.fixed.json")))).toBe(
      true,
    );
    expect(v.services(JSON.parse(readRef("examples/01_get_service_list.fixed.json")))).toBe(true);
    // The spec prints service codes as bare 001: not JSON at all, which is why the ids are strings.
    expect(() => JSON.parse(readRef("examples/01_get_service_list.json"))).toThrow();

    const permit = await post("requests.json", [
      ["api_key", key],
      ["service_code", "PERMIT"],
      ["address_string", "示例路 1 号"],
    ]);
    expect(permit.status).toBe(200);
    const all = await readJson(await get("requests.json"));
    expect(v.requests(all)).toBe(true);
    const roads = await readJson(await get("requests.json?service_code=ROAD01&status=open"));
    expect(roads.length).toBeGreaterThan(0);
    expect(roads.every((r: { service_code: string }) => r.service_code === "ROAD01")).toBe(true);
    const closed = await readJson(await get("requests.json?status=closed"));
    expect(closed).toEqual([]);
    const window = await (
      await get("requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-02-01T00:00:00Z")
    ).json();
    expect(window).toEqual([]);
    const doc = xml.parse(await (await get("requests.xml?service_code=PERMIT")).text());
    expect(
      doc.service_requests.request.map((r: { service_code: string }) => r.service_code),
    ).toEqual(["PERMIT"]);

    const updates = xml.parse(await (await get("servicerequestupdates.xml")).text());
    const sample = xml.parse(readRef("examples/17_fms_servicerequestupdates_get.xml"));
    const mine = updates.service_requests_updates.request_update[0];
    for (const k of keysOf(sample.service_requests_updates.request_update[0]))
      expect(mine).toHaveProperty(k);
  });

  describe("errors: the spec's list of code/description, the right status, nothing written", () => {
    const expectError = async (res: Response, status: number, format: "json" | "xml") => {
      expect(res.status).toBe(status);
      const text = await res.text();
      if (format === "json") {
        const body = JSON.parse(text);
        expect(body.length).toBeGreaterThan(0);
        for (const e of body) expect(keysOf(e)).toEqual(["code", "description"]);
        expect(body[0].code).toBe(status);
      } else {
        const doc = xml.parse(text);
        expect(Number(doc.errors.error[0].code)).toBe(status);
        expect(doc.errors.error[0].description).toBeTruthy();
      }
    };
    const unchanged = async (fn: () => Promise<void>) => {
      const before = await requestCount();
      await fn();
      expect(await requestCount()).toBe(before);
    };

    it("bad, missing, under-scoped or foreign api_key → 403 (foreign: 404, as on every route)", async () => {
      await unchanged(async () => {
        await expectError(
          await post("requests.json", report([["api_key", "zy_nope"]]).slice(1)),
          403,
          "json",
        );
        await expectError(await post("requests.xml", report().slice(1)), 403, "xml");
        await expectError(
          await post("requests.json", [["api_key", readKey], ...report().slice(1)]),
          403,
          "json",
        );
        await expectError(
          await post("requests.json", [["api_key", otherKey], ...report().slice(1)]),
          404,
          "json",
        );
      });
      const sample = JSON.parse(
        readRef("examples/14_errors_json.http").split("\n\n").slice(1).join("\n\n"),
      );
      const res = await post("requests.json", report().slice(1));
      expect(keysOf((await readJson(res))[0])).toEqual(keysOf(sample[0]));
    });

    it("unknown service code → 404; missing location or attribute → 400", async () => {
      await unchanged(async () => {
        await expectError(
          await post(
            "requests.json",
            report([["service_code", "NOPE"]]).filter(
              ([k, x]) => !(k === "service_code" && x === "ROAD01"),
            ),
          ),
          404,
          "json",
        );
        await expectError(
          await post(
            "requests.xml",
            report().filter(([k]) => k !== "lat" && k !== "long"),
          ),
          400,
          "xml",
        );
        await expectError(
          await post(
            "requests.json",
            report().filter(([k]) => k !== "attribute[SIZE]"),
          ),
          400,
          "json",
        );
        await expectError(
          await post("requests.json", report([["jurisdiction_id", "elsewhere"]])),
          404,
          "json",
        );
      });
      await expectError(await get("services/NOPE.json"), 404, "json");
      await expectError(await get("services/NOPE.xml"), 404, "xml");
      await expectError(await get("requests/999999.json"), 404, "json");
      await expectError(await get("tokens/NOPE.xml"), 404, "xml");
      await expectError(await get("services.json?jurisdiction_id=elsewhere"), 404, "json");
    });

    it("a window longer than 90 days or a bad date → 400", async () => {
      await expectError(
        await get("requests.json?start_date=2025-01-01T00:00:00Z&end_date=2025-06-01T00:00:00Z"),
        400,
        "json",
      );
      await expectError(
        await get("requests.xml?start_date=2025-01-01T00:00:00Z&end_date=2025-06-01T00:00:00Z"),
        400,
        "xml",
      );
      await expectError(await get("requests.json?start_date=yesterday"), 400, "json");
      await expectError(await get("requests.json?status=pending"), 400, "json");
      const ok = await get(
        "requests.json?start_date=2025-12-03T00:00:00Z&end_date=2026-03-02T00:00:00Z",
      );
      expect(ok.status).toBe(200);
    });
  });
});
