import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/**
 * Bundles the Workers entry into dist/worker.js. `workerd` conditions pick postgres.js's
 * cloudflare:sockets build; node:* is left to the nodejs_compat flag. The build fails if the
 * bundle reaches a module the Worker cannot run (PGlite, Node-only parts of the workspace).
 */
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const workerBundle = join(root, "dist", "worker.js");

const FORBIDDEN = [
  /@electric-sql\/pglite/,
  /packages\/db\/src\/(node|pglite|migrations)\.ts$/,
  /\/src\/node\.ts$/,
  /apps\/api\/src\/(server|routes\/vendor\/)/,
  /\/(pino|s3rver|@hono\/node-server)\//,
];

const ALLOWED_NODE = new Set([
  "node:async_hooks",
  "node:crypto",
  "node:buffer",
  "node:events",
  "node:stream",
  "node:util",
  "node:process",
]);

export async function buildWorker(): Promise<string> {
  mkdirSync(dirname(workerBundle), { recursive: true });
  const result = await build({
    entryPoints: [join(root, "src", "worker.ts")],
    outfile: workerBundle,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    external: ["cloudflare:*", "node:*"],
    metafile: true,
    logLevel: "warning",
  });
  const inputs = Object.keys(result.metafile.inputs);
  const bad = inputs.filter((i) => FORBIDDEN.some((re) => re.test(i)));
  const nodeImports = new Set(
    Object.values(result.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path)),
  );
  const badNode = [...nodeImports].filter((p) => p.startsWith("node:") && !ALLOWED_NODE.has(p));
  if (bad.length > 0 || badNode.length > 0) {
    throw new Error(`worker bundle reaches Node-only code: ${[...bad, ...badNode].join(", ")}`);
  }
  writeFileSync(join(dirname(workerBundle), "meta.json"), JSON.stringify(result.metafile));
  return workerBundle;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = await buildWorker();
  process.stdout.write(`built ${out}\n`);
}
