/**
 * Boots a Node process (server or CLI): configuration, secrets, the database (PGlite with a
 * data-directory lock, or Postgres), control-plane migrations, storage (embedded s3rver or external
 * S3), and the demo seed. The local admin channel lets a CLI reach a running server's database.
 */
import type { Config, Secrets } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import type { DemoSummary } from "@zhengyun/demo";
import type { DataDirLock } from "./lock.ts";
import type { RuntimeStorage } from "./storage.ts";

export interface Runtime {
  readonly mode: "server" | "cli";
  config: Config;
  secrets: Secrets;
  db: Database;
  storage: RuntimeStorage;
  /** Where the object store answers (the embedded s3rver's URL, or S3_ENDPOINT). */
  storageEndpoint: string;
  /** Held on the embedded database: only this process may open the PGlite directory. */
  lock: DataDirLock | undefined;
  /** Control-plane migrations this boot applied. */
  migrated: string[];
  /** Present when this boot seeded the demo. */
  demo?: DemoSummary;
  /** Closes the admin channel, storage and database, then releases the lock. Idempotent. */
  close(): Promise<void>;
}

export type { DemoSummary } from "@zhengyun/demo";
export { type BootOptions, bootRuntime } from "./boot.ts";
export * from "./channel.ts";
export type { RuntimeStorage } from "./storage.ts";
