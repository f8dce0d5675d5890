import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { csRequests } from "@zhengyun/community";
import type { Database } from "@zhengyun/db";
import { createObjectStore } from "@zhengyun/storage";
import { startEmbeddedS3 } from "@zhengyun/storage/node";
import { withTenant } from "@zhengyun/tenancy";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, openTestDatabase, tenantFactory } from "../harness/index.ts";
import { type People, req, staffFactory } from "../http-admin/helpers.ts";
import { appWithStore, HOME, type Town, town } from "./helpers.ts";

const PNG = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  ),
  (c) => c.charCodeAt(0),
);

describe.each(drivers())("a resident's photo through presign and accept on %s", (driver) => {
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let people: People;
  let dir: string;
  let s3: Awaited<ReturnType<typeof startEmbeddedS3>>;
  let app: ReturnType<typeof appWithStore>;
  let a: Town;

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    tenants = tenantFactory(db);
    people = staffFactory(db);
    dir = await mkdtemp(join(tmpdir(), "zy-csweb-s3-"));
    s3 = await startEmbeddedS3({ dir, bucket: "csweb" });
    const store = createObjectStore({
      endpoint: s3.endpoint,
      region: "cn-north-1",
      bucket: "csweb",
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
      forcePathStyle: true,
    });
    app = appWithStore(db, people.clock, store);
    a = await town(db, people, await tenants.create());
  });
  afterAll(async () => {
    await s3.close();
    await rm(dir, { recursive: true, force: true });
    await people.cleanup([a.tenant.id]);
    await tenants.cleanup();
    await db.close();
  });

  const base = () => `/t/${a.tenant.slug}/api/v1/community/me`;
  const upload = async (type: string, body: Uint8Array) => {
    const res = await app.request(
      `${base()}/media`,
      req("POST", a.resident, { contentType: type }),
    );
    expect(res.status).toBe(200);
    const post = (await res.json()) as { url: string; fields: Record<string, string>; key: string };
    const form = new FormData();
    for (const [k, v] of Object.entries(post.fields)) form.append(k, v);
    form.append("file", new Blob([body], { type }), "photo");
    expect((await fetch(post.url, { method: "POST", body: form })).status).toBe(204);
    return post.key;
  };

  it("keeps an accepted photo with the report; a disguised file is refused", async () => {
    const key = await upload("image/png", PNG);
    const accepted = await app.request(`${base()}/media/accept`, req("POST", a.resident, { key }));
    expect(accepted.status).toBe(200);
    const { mediaKey } = (await accepted.json()) as { mediaKey: string };
    const made = await app.request(
      `${base()}/requests`,
      req("POST", a.resident, {
        serviceCode: "ROAD01",
        attributes: { SIZE: "S" },
        mediaKey,
        ...HOME,
      }),
    );
    expect(made.status).toBe(201);
    const { id } = (await made.json()) as { id: string };
    const [row] = await withTenant(db, a.tenant, (tx) =>
      tx
        .select()
        .from(csRequests)
        .where(eq(csRequests.id, Number(id))),
    );
    expect(row?.mediaKey).toBe(mediaKey);

    const fake = await upload("image/jpeg", new TextEncoder().encode("not a photo at all"));
    const refused = await app.request(
      `${base()}/media/accept`,
      req("POST", a.resident, { key: fake }),
    );
    expect(refused.status).toBe(400);
    // Staff do not upload as residents.
    const staff = await app.request(
      `${base()}/media`,
      req("POST", a.street0, { contentType: "image/png" }),
    );
    expect(staff.status).toBe(403);
  });
});
