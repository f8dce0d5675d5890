import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const mainTs = fileURLToPath(new URL("../../apps/cli/src/main.ts", import.meta.url));
const tsx = import.meta.resolve("tsx");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Environment for a CLI run: a data directory, the embedded defaults unless a URL is given. */
export function cliEnv(dataDir: string, databaseUrl = ""): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    S3_ENDPOINT: "",
    DEMO: "false",
    // Keeps the AWS SDK's Node-version notice out of stderr assertions.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
}

/** Runs `pnpm cli ...` as a subprocess (node --import tsx apps/cli/src/main.ts). */
export function runCli(args: string[], env: NodeJS.ProcessEnv, cwd = repoRoot): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", tsx, mainTs, ...args], { cwd, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Starts the server-like fixture and waits until its admin channel is up. */
export async function startHolder(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const fixture = fileURLToPath(new URL("./fixtures/hold-server.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", tsx, fixture], { cwd: repoRoot, env });
  let err = "";
  child.stderr.on("data", (d) => {
    err += d;
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      if (d.toString().startsWith("ready")) resolve();
    });
    child.on("exit", (code) => reject(new Error(`holder exited (${code}): ${err}`)));
  });
  return child;
}

export async function stopHolder(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}
