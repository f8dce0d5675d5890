/// <reference path="./s3rver.d.ts" />
import { mkdir } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import S3rver from "s3rver";

/** s3rver checks SigV4 signatures against this fixed key pair. */
export const EMBEDDED_S3_CREDENTIALS = {
  accessKeyId: "S3RVER",
  secretAccessKey: "S3RVER",
} as const;

export interface EmbeddedS3 {
  /** `http://127.0.0.1:<port>`; use it with `forcePathStyle: true`. */
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  close(): Promise<void>;
}

// Lets a browser on the local console POST uploads and follow download links straight to s3rver.
const CORS = `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin>
<AllowedMethod>GET</AllowedMethod><AllowedMethod>HEAD</AllowedMethod><AllowedMethod>POST</AllowedMethod>
<AllowedHeader>*</AllowedHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule></CORSConfiguration>`;

/**
 * Serves S3 in-process from a directory (the embedded default uses `.data/s3`), so development,
 * tests and production all run the same @aws-sdk/client-s3 code path. Binds 127.0.0.1 only; port 0
 * (the default) picks a free port.
 */
export async function startEmbeddedS3(opts: {
  dir: string;
  bucket: string;
  port?: number;
}): Promise<EmbeddedS3> {
  await mkdir(opts.dir, { recursive: true });
  const server = new S3rver({
    address: "127.0.0.1",
    port: opts.port ?? 0,
    directory: opts.dir,
    silent: true,
    configureBuckets: [{ name: opts.bucket, configs: [CORS] }],
  });
  const address = (await server.run()) as AddressInfo;
  const http = (server as unknown as { httpServer: Server }).httpServer;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    ...EMBEDDED_S3_CREDENTIALS,
    async close() {
      const closing = server.close();
      // Keep-alive sockets from the SDK would otherwise hold close() open.
      http.closeAllConnections();
      await closing;
    },
  };
}
