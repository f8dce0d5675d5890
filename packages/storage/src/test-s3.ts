import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newId } from "@zhengyun/core";
import { createObjectStore, type ObjectStoreOptions } from "./index.ts";
import { startEmbeddedS3 } from "./node.ts";

/** A real s3rver in a temp directory, and a store talking to it the way the product does. */
export async function startTestStore() {
  const dir = await mkdtemp(join(tmpdir(), "zy-s3-"));
  const s3 = await startEmbeddedS3({ dir, bucket: "test" });
  const options: ObjectStoreOptions = {
    endpoint: s3.endpoint,
    region: "cn-north-1",
    bucket: "test",
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    forcePathStyle: true,
  };
  return {
    store: createObjectStore(options),
    options,
    endpoint: s3.endpoint,
    /** Storage tenants need no database rows: a fresh tenant id is a fresh prefix. */
    tenantId: () => newId("ten"),
    async close() {
      await s3.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A 1×1 PNG. */
export const PNG = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  ),
  (c) => c.charCodeAt(0),
);
export const PDF = new TextEncoder().encode(
  "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
);
