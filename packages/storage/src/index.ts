import {
  DeleteObjectsCommand,
  GetObjectCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  S3Client,
} from "@aws-sdk/client-s3";
import { checkKey, checkPrefix, tenantPrefix } from "./keys.ts";
import { createUploads, isNotFound, type UploadSupport } from "./uploads.ts";

export { TEXT_TYPES } from "./content.ts";
export { MAX_EXPIRY_SECONDS } from "./keys.ts";
export type {
  AcceptedUpload,
  AcceptUploadOptions,
  PresignDownloadOptions,
  PresignedDownload,
  PresignedUpload,
  PresignUploadOptions,
  UploadSupport,
} from "./uploads.ts";

/** S3 objects under `tenants/<tenant id>/`. Keys passed in and returned are relative to that prefix. */
export interface StoredObject {
  key: string;
  size: number;
}

export interface ObjectStore {
  readonly bucket: string;
  put(
    tenantId: string,
    key: string,
    body: Uint8Array | string,
    contentType?: string,
  ): Promise<void>;
  get(tenantId: string, key: string): Promise<Uint8Array | undefined>;
  list(tenantId: string, prefix?: string): AsyncIterable<StoredObject>;
  /** Deletes every object under the tenant's prefix (or a sub-prefix); returns how many. */
  deletePrefix(tenantId: string, prefix?: string): Promise<number>;
  /** Bytes stored under the tenant's prefix (the daily storage snapshot). */
  totalBytes(tenantId: string): Promise<number>;
}

export interface ObjectStoreOptions {
  /** Omit for AWS itself; set for s3rver, MinIO, OSS, COS and other S3-compatible stores. */
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle?: boolean;
}

/** The client every store uses; other S3 work (streaming writes, setup) should share its settings. */
export function createS3Client(opts: ObjectStoreOptions): S3Client {
  return new S3Client({
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    region: opts.region,
    credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey },
    forcePathStyle: opts.forcePathStyle ?? false,
    // With the defaults the SDK sends streaming bodies with aws-chunked framing and a trailing
    // checksum; stores that do not understand it (s3rver) save the framing as part of the object.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

export function createObjectStore(opts: ObjectStoreOptions): ObjectStore & UploadSupport {
  const client = createS3Client(opts);
  const bucket = opts.bucket;

  async function* list(tenantId: string, prefix = ""): AsyncIterable<StoredObject> {
    const base = tenantPrefix(tenantId);
    const pages = paginateListObjectsV2(
      { client },
      { Bucket: bucket, Prefix: base + checkPrefix(prefix) },
    );
    for await (const page of pages) {
      for (const o of page.Contents ?? []) {
        // The prefix filter is the store's; this check keeps a misbehaving store from leaking.
        if (o.Key?.startsWith(base)) yield { key: o.Key.slice(base.length), size: o.Size ?? 0 };
      }
    }
  }

  return {
    bucket,

    async put(tenantId, key, body, contentType) {
      const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: tenantPrefix(tenantId) + checkKey(key),
          Body: bytes,
          ContentLength: bytes.byteLength,
          ContentType:
            contentType ??
            (typeof body === "string" ? "text/plain; charset=utf-8" : "application/octet-stream"),
        }),
      );
    },

    async get(tenantId, key) {
      try {
        const res = await client.send(
          new GetObjectCommand({ Bucket: bucket, Key: tenantPrefix(tenantId) + checkKey(key) }),
        );
        return res.Body ? await res.Body.transformToByteArray() : new Uint8Array();
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    },

    list,

    async deletePrefix(tenantId, prefix = "") {
      const base = tenantPrefix(tenantId);
      let batch: string[] = [];
      let deleted = 0;
      const flush = async () => {
        if (batch.length === 0) return;
        const res = await client.send(
          new DeleteObjectsCommand({
            Bucket: bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        );
        const failed = res.Errors?.[0];
        if (failed)
          throw new Error(`Could not delete ${failed.Key}: ${failed.Code} ${failed.Message}`);
        deleted += batch.length;
        batch = [];
      };
      for await (const o of list(tenantId, prefix)) {
        batch.push(base + o.key);
        // DeleteObjects takes at most 1000 keys per request.
        if (batch.length === 1000) await flush();
      }
      await flush();
      return deleted;
    },

    async totalBytes(tenantId) {
      let total = 0;
      for await (const o of list(tenantId)) total += o.size;
      return total;
    },

    ...createUploads(client, bucket),
  };
}
