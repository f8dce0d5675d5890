import { existsSync, readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";

export function machine(): string {
  const c = cpus();
  return `${c.length} cores (${c[0]?.model ?? "unknown"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

export function header(name: string, where: string): void {
  process.stdout.write(`\n${name} — ${where}\n`);
}

export function line(label: string, value: string, detail = ""): void {
  process.stdout.write(`${label.padEnd(34)} ${value.padStart(14)}  ${detail}\n`);
}

export async function timeIt<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

export function durationStats(samples: number[]): {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
} {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  return {
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    mean: s.reduce((a, b) => a + b, 0) / (s.length || 1),
  };
}

/** The Postgres server the benches use: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else local. */
export const benchServerUrl =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/test";

/** The URL of the scratch database `name` on the bench server. */
export function benchDatabaseUrl(name: string): string {
  const u = new URL(benchServerUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/** CPU seconds (user + system) a process has used so far; 0 where /proc is not there. */
export function cpuSeconds(pid: number | "self"): number {
  const file = `/proc/${pid}/stat`;
  if (!existsSync(file)) return 0;
  // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks (100/s).
  const fields = readFileSync(file, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * The environment of a bench's server process (startServer): the bench database, a scratch data
 * directory, an ephemeral port, no demo and no jobs, silent logs, and the rate limits raised: in the
 * field the load comes from many addresses, terminals and keys; here from one.
 */
export function benchServerEnv(opts: {
  databaseUrl: string;
  dataDir: string;
  poolMax: number;
  bodyLimitBytes?: number;
}): Record<string, string> {
  const unlimited = "100000";
  return {
    DATABASE_URL: opts.databaseUrl,
    DATA_DIR: opts.dataDir,
    PORT: "0",
    HOST: "127.0.0.1",
    DEMO: "false",
    JOBS: "off",
    LOG_LEVEL: "silent",
    DB_POOL_MAX: String(opts.poolMax),
    ...(opts.bodyLimitBytes ? { BODY_LIMIT_BYTES: String(opts.bodyLimitBytes) } : {}),
    RATE_LIMIT_IP_PER_SEC: unlimited,
    RATE_LIMIT_IP_BURST: unlimited,
    RATE_LIMIT_TENANT_PER_SEC: unlimited,
    RATE_LIMIT_TENANT_BURST: unlimited,
    RATE_LIMIT_API_KEY_PER_SEC: unlimited,
    RATE_LIMIT_API_KEY_BURST: unlimited,
  };
}
