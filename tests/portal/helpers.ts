import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AppDeps, Logger } from "@zhengyun/api";
import { createIdentity, identityModule } from "@zhengyun/api/auth";
import { createNodeApp } from "@zhengyun/api/node-app";
import { type Clock, loadConfig } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import { createObjectStore } from "@zhengyun/storage";
import { startEmbeddedS3 } from "@zhengyun/storage/node";

const quiet: Logger = { info() {}, warn() {}, error() {} };

/** An embedded S3 (s3rver) in a scratch directory, and the store the app uses on it. */
export async function scratchStore() {
  const dir = await mkdtemp(join(tmpdir(), "zy-portal-s3-"));
  const s3 = await startEmbeddedS3({ dir, bucket: "portal" });
  const store = createObjectStore({
    endpoint: s3.endpoint,
    region: "cn-north-1",
    bucket: "portal",
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    forcePathStyle: true,
  });
  return {
    store,
    async close() {
      await s3.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The app as the Node server builds it, with real identity and an object store. */
export function portalApp(db: Database, clock: Clock, storage: AppDeps["storage"]) {
  const config = loadConfig({
    NODE_ENV: "test",
    RATE_LIMIT_IP_PER_SEC: "100000",
    RATE_LIMIT_IP_BURST: "100000",
    RATE_LIMIT_TENANT_PER_SEC: "100000",
    RATE_LIMIT_TENANT_BURST: "100000",
  });
  const identity = createIdentity({ config, clock });
  const deps: AppDeps = {
    config,
    db,
    logger: quiet,
    isReady: () => true,
    authenticator: identity.authenticator,
    clock,
    ...(storage ? { storage } : {}),
  };
  return createNodeApp(deps, [identityModule(identity)]);
}

/** Uploads `body` through a presigned POST (as a browser would); returns the quarantine key. */
export async function postUpload(
  post: { url: string; fields: Record<string, string>; key: string },
  type: string,
  body: Uint8Array,
) {
  const form = new FormData();
  for (const [k, v] of Object.entries(post.fields)) form.append(k, v);
  form.append("file", new Blob([body], { type }), "scan");
  const res = await fetch(post.url, { method: "POST", body: form });
  if (res.status !== 204) throw new Error(`upload: ${res.status}`);
  return post.key;
}

export const PNG = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  ),
  (c) => c.charCodeAt(0),
);
