import { join } from "node:path";
import type { Config, Secrets } from "@zhengyun/core";
import { createObjectStore } from "@zhengyun/storage";
import { startEmbeddedS3 } from "@zhengyun/storage/node";

export type RuntimeStorage = ReturnType<typeof createObjectStore>;

/**
 * External S3 when S3_ENDPOINT is set; otherwise s3rver in-process under DATA_DIR/s3, so the same
 * SDK code path runs everywhere. DATABASE_URL does not change this.
 */
export async function openStorage(
  config: Config,
  secrets: Secrets,
): Promise<{ storage: RuntimeStorage; endpoint: string; close(): Promise<void> }> {
  if (config.S3_ENDPOINT) {
    const storage = createObjectStore({
      endpoint: config.S3_ENDPOINT,
      region: config.S3_REGION,
      bucket: config.S3_BUCKET,
      forcePathStyle: config.S3_FORCE_PATH_STYLE,
      accessKeyId: secrets.s3AccessKeyId,
      secretAccessKey: secrets.s3SecretAccessKey,
    });
    return { storage, endpoint: config.S3_ENDPOINT, close: async () => {} };
  }
  const s3 = await startEmbeddedS3({ dir: join(config.DATA_DIR, "s3"), bucket: config.S3_BUCKET });
  const storage = createObjectStore({
    endpoint: s3.endpoint,
    region: config.S3_REGION,
    bucket: config.S3_BUCKET,
    forcePathStyle: true,
    // s3rver knows only its built-in credentials.
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
  });
  return { storage, endpoint: s3.endpoint, close: () => s3.close() };
}
