import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { NotFoundError, newId, ValidationError } from "@zhengyun/core";
import { contentProblem, normalizeContentType, SNIFF_BYTES } from "./content.ts";
import { checkExpiry, checkKey, tenantPrefix } from "./keys.ts";

export interface PresignUploadOptions {
  contentType: string;
  maxBytes: number;
  /** Default 1: an empty file is refused unless asked for. */
  minBytes?: number;
  /** Seconds, default 300, at most 900. */
  expiresIn?: number;
}
/** A browser POSTs `fields` plus a final `file` part to `url` as multipart/form-data. */
export interface PresignedUpload {
  url: string;
  fields: Record<string, string>;
  /** Relative to the tenant's prefix (`quarantine/upl_…`); hand it to acceptUpload. */
  key: string;
  expiresAt: Date;
}
export interface AcceptUploadOptions {
  allowedTypes: string[];
  maxBytes: number;
  minBytes?: number;
}
export interface AcceptedUpload {
  /** `files/obj_…`, relative to the tenant's prefix. */
  key: string;
  size: number;
  contentType: string;
}
export interface PresignDownloadOptions {
  /** Seconds, default 300, at most 900. */
  expiresIn?: number;
  /** Served as an attachment under this name. */
  filename?: string;
}
export interface PresignedDownload {
  url: string;
  expiresAt: Date;
}

export interface UploadSupport {
  presignUpload(tenantId: string, opts: PresignUploadOptions): Promise<PresignedUpload>;
  /**
   * Checks a quarantined upload's size and its real type (magic bytes) and moves it to `files/`.
   * A refused upload is deleted and answered with a ValidationError.
   */
  acceptUpload(
    tenantId: string,
    quarantineKey: string,
    opts: AcceptUploadOptions,
  ): Promise<AcceptedUpload>;
  presignDownload(
    tenantId: string,
    key: string,
    opts?: PresignDownloadOptions,
  ): Promise<PresignedDownload>;
}

const DEFAULT_EXPIRY = 300;
const QUARANTINE_KEY = /^quarantine\/upl_[0-9A-Z]{26}$/;

export function isNotFound(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    err?.name === "NoSuchKey" || err?.name === "NotFound" || err?.$metadata?.httpStatusCode === 404
  );
}

function sizeRange(maxBytes: number, minBytes = 1): [number, number] {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new ValidationError("maxBytes must be a positive whole number");
  }
  if (!Number.isSafeInteger(minBytes) || minBytes < 0 || minBytes > maxBytes) {
    throw new ValidationError("minBytes must be a whole number between 0 and maxBytes");
  }
  return [minBytes, maxBytes];
}

export function createUploads(client: S3Client, bucket: string): UploadSupport {
  return {
    async presignUpload(tenantId, opts) {
      const [min, max] = sizeRange(opts.maxBytes, opts.minBytes);
      const contentType = normalizeContentType(opts.contentType);
      const expires = checkExpiry(opts.expiresIn, DEFAULT_EXPIRY);
      const key = `quarantine/${newId("upl")}`;
      const expiresAt = new Date(Date.now() + expires * 1000);
      const post = await createPresignedPost(client, {
        Bucket: bucket,
        Key: tenantPrefix(tenantId) + key,
        Conditions: [
          ["content-length-range", min, max],
          ["eq", "$Content-Type", contentType],
        ],
        Fields: { "Content-Type": contentType },
        Expires: expires,
      });
      return { url: post.url, fields: post.fields, key, expiresAt };
    },

    async acceptUpload(tenantId, quarantineKey, opts) {
      if (!QUARANTINE_KEY.test(quarantineKey)) {
        throw new ValidationError(`"${quarantineKey}" is not an upload key`);
      }
      const [min, max] = sizeRange(opts.maxBytes, opts.minBytes);
      const allowed = new Set(opts.allowedTypes.map(normalizeContentType));
      const source = tenantPrefix(tenantId) + quarantineKey;

      const head = await client
        .send(new HeadObjectCommand({ Bucket: bucket, Key: source }))
        .catch((e: unknown) => {
          if (isNotFound(e))
            throw new NotFoundError("Upload not found (expired or already handled)");
          throw e;
        });
      const size = head.ContentLength ?? 0;
      // The ETag pins the checked version: the POST policy stays valid until it expires, so the
      // uploader could overwrite the quarantined object between our check and the copy.
      const etag = head.ETag;
      const refuse = async (reason: string): Promise<never> => {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: source }));
        throw new ValidationError(`Upload refused: ${reason}`);
      };

      if (size < min || size > max) {
        await refuse(`its size is ${size} bytes, allowed ${min}–${max}`);
      }
      let declared: string;
      try {
        declared = normalizeContentType(head.ContentType ?? "");
      } catch {
        return refuse("it has no valid content type");
      }
      const sample = size === 0 ? new Uint8Array() : await readHead(client, bucket, source, etag);
      const problem = await contentProblem(sample, declared, allowed);
      if (problem) await refuse(problem);

      const key = `files/${newId("obj")}`;
      await client.send(
        new CopyObjectCommand({
          Bucket: bucket,
          Key: tenantPrefix(tenantId) + key,
          CopySource: `${bucket}/${encodeURI(source)}`,
          CopySourceIfMatch: etag,
          MetadataDirective: "REPLACE",
          ContentType: declared,
        }),
      );
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: source }));
      return { key, size, contentType: declared };
    },

    async presignDownload(tenantId, key, opts = {}) {
      const expires = checkExpiry(opts.expiresIn, DEFAULT_EXPIRY);
      const command = new GetObjectCommand({
        Bucket: bucket,
        Key: tenantPrefix(tenantId) + checkKey(key),
        ...(opts.filename ? { ResponseContentDisposition: attachment(opts.filename) } : {}),
      });
      const url = await getSignedUrl(client, command, { expiresIn: expires });
      return { url, expiresAt: new Date(Date.now() + expires * 1000) };
    },
  };
}

async function readHead(
  client: S3Client,
  bucket: string,
  key: string,
  etag: string | undefined,
): Promise<Uint8Array> {
  const res = await client.send(
    new GetObjectCommand({
      Bucket: bucket,
      Key: key,
      Range: `bytes=0-${SNIFF_BYTES - 1}`,
      IfMatch: etag,
    }),
  );
  const bytes = res.Body ? await res.Body.transformToByteArray() : new Uint8Array();
  // A store that ignores Range sends everything; only the head is needed.
  return bytes.subarray(0, SNIFF_BYTES);
}

/** RFC 6266: an ASCII fallback name plus the exact UTF-8 name (Chinese file names are the norm). */
function attachment(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, "_");
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
