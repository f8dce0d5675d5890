/**
 * CONTRACT (to be implemented by the runtime/CLI work): boots a Node process (server or CLI):
 * configuration, secrets, the database (PGlite with a data-directory lock, or Postgres), control-plane
 * migrations, storage (embedded s3rver or external S3).
 */
import type { Config, Secrets } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import type { ObjectStore } from "@zhengyun/storage";

export interface Runtime {
  config: Config;
  secrets: Secrets;
  db: Database;
  storage: ObjectStore;
  close(): Promise<void>;
}
