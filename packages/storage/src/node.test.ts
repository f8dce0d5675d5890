import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newId } from "@zhengyun/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createObjectStore } from "./index.ts";
import { startEmbeddedS3 } from "./node.ts";

describe("startEmbeddedS3", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "zy-s3-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const open = async () => {
    const s3 = await startEmbeddedS3({ dir, bucket: "zhengyun" });
    const store = createObjectStore({
      ...s3,
      region: "cn-north-1",
      bucket: "zhengyun",
      forcePathStyle: true,
    });
    return { s3, store };
  };

  it("listens on 127.0.0.1 only and keeps objects across a restart", async () => {
    const tenant = newId("ten");
    const body = new TextEncoder().encode("归档材料");
    const first = await open();
    expect(first.s3.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await first.store.put(tenant, "归档/第 1 份.txt", body);
    await first.s3.close();

    const second = await open();
    expect(await second.store.get(tenant, "归档/第 1 份.txt")).toEqual(body);
    const listed = [];
    for await (const o of second.store.list(tenant)) listed.push(o);
    expect(listed).toEqual([{ key: "归档/第 1 份.txt", size: body.byteLength }]);
    await second.s3.close();
  });
});
