import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  acceptRequestMedia,
  type CsCtx,
  csRequests,
  presignRequestMedia,
  submitRequest,
} from "@zhengyun/community";
import { ValidationError } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import { createObjectStore } from "@zhengyun/storage";
import { startEmbeddedS3 } from "@zhengyun/storage/node";
import { withTenant } from "@zhengyun/tenancy";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";
import { seedServices, seedTree } from "./fixtures.ts";

const PNG = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  ),
  (c) => c.charCodeAt(0),
);

describe.each(drivers())("request media through presigned uploads on %s", (driver) => {
  let db: Database;
  let factory: ReturnType<typeof tenantFactory>;
  let tenant: Tenant;
  let dir: string;
  let s3: Awaited<ReturnType<typeof startEmbeddedS3>>;
  let store: ReturnType<typeof createObjectStore>;

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    factory = tenantFactory(db);
    tenant = await factory.create();
    const ctx: CsCtx = { db, tenant };
    await seedTree(ctx);
    await seedServices(ctx);
    dir = await mkdtemp(join(tmpdir(), "zy-cs-s3-"));
    s3 = await startEmbeddedS3({ dir, bucket: "cs" });
    store = createObjectStore({
      endpoint: s3.endpoint,
      region: "cn-north-1",
      bucket: "cs",
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
      forcePathStyle: true,
    });
  });
  afterAll(async () => {
    await s3.close();
    await rm(dir, { recursive: true, force: true });
    await factory.cleanup();
    await db.close();
  });

  const upload = async (type: string, body: Uint8Array) => {
    const post = await presignRequestMedia(store, tenant.id, type);
    const form = new FormData();
    for (const [k, v] of Object.entries(post.fields)) form.append(k, v);
    form.append("file", new Blob([body], { type }), "photo");
    expect((await fetch(post.url, { method: "POST", body: form })).status).toBe(204);
    return post.key;
  };

  it("stores an accepted photo's key with the request; a disguised file is refused", async () => {
    const key = await acceptRequestMedia(store, tenant.id, await upload("image/png", PNG));
    const made = await submitRequest({
      ctx: { db, tenant },
      input: {
        serviceCode: "ROAD01",
        channel: "web",
        lat: 39.89,
        long: 116.3,
        mediaKey: key,
        attributes: { SIZE: "S" },
      },
    });
    const [row] = await withTenant(db, tenant, (tx) =>
      tx
        .select()
        .from(csRequests)
        .where(eq(csRequests.id, Number(made.id))),
    );
    expect(row?.mediaKey).toBe(key);
    expect(await store.get(tenant.id, key)).toEqual(PNG);

    const fake = await upload("image/jpeg", new TextEncoder().encode("not a photo at all"));
    await expect(acceptRequestMedia(store, tenant.id, fake)).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});
