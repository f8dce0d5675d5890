import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "@zhengyun/db";
import { loadMigrations, type Migration } from "@zhengyun/db/node";
import { createObjectStore } from "@zhengyun/storage";
import { startEmbeddedS3 } from "@zhengyun/storage/node";

/** A real s3rver in a temp directory and the product's store talking to it. */
export async function startStore() {
  const dir = await mkdtemp(join(tmpdir(), "zy-tenancy-s3-"));
  const s3 = await startEmbeddedS3({ dir: join(dir, "s3"), bucket: "tenancy" });
  const store = createObjectStore({
    endpoint: s3.endpoint,
    region: "cn-north-1",
    bucket: "tenancy",
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    forcePathStyle: true,
  });
  return {
    store,
    dir,
    async close() {
      await s3.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The committed template plus extra migrations after it, as a later release would ship them. */
export function templateWith(...extra: string[][]): Migration[] {
  const base = loadMigrations("tenant");
  const last = base.at(-1)?.idx ?? -1;
  return [
    ...base,
    ...extra.map((statements, i) => ({
      idx: last + 1 + i,
      tag: `9${last + 1 + i}_test`,
      statements,
    })),
  ];
}

/** The same database, counting the transactions and raw statements made through it. */
export function observed(db: Database) {
  const counts = { transactions: 0, statements: 0 };
  const orm = new Proxy(db.orm, {
    get(target, prop, receiver) {
      if (prop === "transaction") {
        return (...args: Parameters<Database["orm"]["transaction"]>) => {
          counts.transactions++;
          return target.transaction(...args);
        };
      }
      if (prop === "execute") {
        return (...args: Parameters<Database["orm"]["execute"]>) => {
          counts.statements++;
          return target.execute(...args);
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
  return { db: { ...db, orm } as Database, counts };
}
