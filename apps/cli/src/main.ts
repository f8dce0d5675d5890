import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type Config, isEmbedded } from "@zhengyun/core";
import { loadNodeConfig } from "@zhengyun/core/node";
import type { Runtime } from "@zhengyun/runtime";
import {
  callLocalAdmin,
  DataDirLockedError,
  type LockInfo,
  readLiveLock,
} from "@zhengyun/runtime/channel";
import { describeError, EXIT_FAILURE } from "./errors.ts";
import { assertWritableTarget, localFiles } from "./files.ts";
import { commandFiles, runCli } from "./index.ts";

/*
 * `pnpm cli ...`. On the embedded database only one process may open the data directory: when a
 * server holds it, the command runs inside the server through its local admin channel; otherwise
 * this process boots its own runtime.
 */
const argv = process.argv.slice(2);
const io = { stdout: process.stdout, stderr: process.stderr };
const fail = (e: unknown): number => {
  const { code, line } = describeError(e);
  process.stderr.write(`error: ${line}\n`);
  return code;
};

/** The live holder of the data directory once its admin channel is up; undefined when free. */
async function waitForAdmin(dataDir: string): Promise<Required<LockInfo> | undefined> {
  let told = false;
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; await sleep(200)) {
    const info = readLiveLock(dataDir);
    if (!info) return undefined;
    if (info.port && info.token) return info as Required<LockInfo>;
    if (!told) process.stderr.write(`waiting for pid ${info.pid} (${info.mode}) to finish…\n`);
    told = true;
  }
  throw new Error(`the data directory stayed locked; see ${dataDir}/server.lock`);
}

async function delegate(
  holder: Required<LockInfo>,
  plan: { inputs: string[]; outputs: string[] },
): Promise<number> {
  const files: Record<string, string> = {};
  const local = localFiles();
  for (const p of plan.inputs) files[p] = Buffer.from(await local.read(p)).toString("base64");
  for (const p of plan.outputs) await assertWritableTarget(p);
  return callLocalAdmin(
    holder,
    { argv, files, stderrTTY: process.stderr.isTTY === true, columns: process.stderr.columns },
    {
      ...io,
      async writeFile(path, data) {
        if (!plan.outputs.includes(path)) throw new Error(`server sent an unexpected file ${path}`);
        await writeFile(resolve(path), data, { mode: 0o600 });
      },
    },
  );
}

// An interrupted command still closes the embedded database cleanly and frees the data directory.
let booted: Runtime | undefined;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    process.stderr.write(`${signal}: closing the database\n`);
    void (booted?.close() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

async function main(): Promise<number> {
  let config: Config;
  try {
    config = loadNodeConfig();
  } catch (e) {
    return fail(e);
  }
  const plan = await commandFiles(argv);
  // Help and usage errors need no database.
  if (!plan) return runCli(argv, { ...io, rt: () => Promise.reject(new Error("no runtime")) });

  let rt: Runtime | undefined;
  try {
    for (let attempt = 0; !rt; attempt++) {
      if (isEmbedded(config)) {
        const holder = await waitForAdmin(config.DATA_DIR);
        if (holder) {
          try {
            return await delegate(holder, plan);
          } catch (e) {
            // The server went away between reading the lock and connecting: look again.
            if ((e as NodeJS.ErrnoException).code === "ECONNREFUSED" && attempt < 5) continue;
            throw e;
          }
        }
      }
      try {
        const { bootRuntime } = await import("@zhengyun/runtime");
        rt = await bootRuntime({ mode: "cli", config });
        booted = rt;
      } catch (e) {
        if (!(e instanceof DataDirLockedError) || attempt >= 5) throw e;
      }
    }
    return await runCli(argv, { ...io, rt });
  } catch (e) {
    return fail(e);
  } finally {
    await rt?.close();
  }
}

const code = await main().catch((e) => {
  process.stderr.write(`error: ${(e as Error).message}\n`);
  return EXIT_FAILURE;
});
process.stdout.write("", () => process.exit(code));
