import { type Config, demoEnabled, isEmbedded } from "@zhengyun/core";
import { loadNodeConfig, loadSecrets } from "@zhengyun/core/node";
import { type Database, platformSchema } from "@zhengyun/db";
import { openDatabase, prepareDatabase } from "@zhengyun/db/node";
import { seedDemo } from "@zhengyun/demo";
import { ensureMeters } from "@zhengyun/metering";
import { count } from "drizzle-orm";
import { runClosers, trackRuntime } from "./closers.ts";
import type { Runtime } from "./index.ts";
import { acquireDataDirLock, type DataDirLock } from "./lock.ts";
import { openStorage } from "./storage.ts";

export interface BootOptions {
  mode: "server" | "cli";
  /** Defaults to loadNodeConfig() (process.env). */
  config?: Config;
  /**
   * Seed the demo into a database with no tenants. Defaults to demoEnabled(config) for the server
   * (embedded default or DEMO=true) and to off for the CLI, whose `demo` command seeds on request.
   */
  demo?: boolean;
  /** Where boot progress goes; the CLI keeps stdout for results. Default: stderr. */
  log?: (line: string) => void;
}

async function isEmpty(db: Database): Promise<boolean> {
  const [row] = await db.orm.select({ n: count() }).from(platformSchema.tenants);
  return Number(row?.n ?? 0) === 0;
}

export async function bootRuntime(opts: BootOptions): Promise<Runtime> {
  const config = opts.config ?? loadNodeConfig();
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const secrets = loadSecrets(config);
  const lock: DataDirLock | undefined = isEmbedded(config)
    ? acquireDataDirLock(config.DATA_DIR, opts.mode)
    : undefined;
  const cleanup: (() => Promise<void>)[] = [async () => lock?.release()];
  const unwind = async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => {});
  };
  try {
    const db = await openDatabase(config);
    cleanup.push(() => db.close());
    const migrated = await prepareDatabase(db);
    if (migrated.length > 0) log(`control plane migrated: ${migrated.join(", ")}`);
    await ensureMeters(db);
    const s3 = await openStorage(config, secrets);
    cleanup.push(() => s3.close());

    const wantDemo = opts.demo ?? (opts.mode === "server" && demoEnabled(config));
    const demo =
      wantDemo && (await isEmpty(db))
        ? await seedDemo({ db, storage: s3.storage, secrets })
        : undefined;
    if (demo) log(`demo seeded: ${demo.tenants.map((t) => t.slug).join(", ")}`);

    let closing: Promise<void> | undefined;
    const rt: Runtime = {
      mode: opts.mode,
      config,
      secrets,
      db,
      storage: s3.storage,
      storageEndpoint: s3.endpoint,
      lock,
      migrated,
      ...(demo ? { demo } : {}),
      close() {
        closing ??= (async () => {
          await runClosers(rt);
          await unwind();
        })();
        return closing;
      },
    };
    trackRuntime(rt);
    return rt;
  } catch (e) {
    await unwind();
    throw e;
  }
}
