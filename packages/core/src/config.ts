import { z } from "zod";
import { ValidationError } from "./errors.ts";

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no", ""])
  .optional()
  .transform((v) => v === "true" || v === "1" || v === "yes");

/**
 * Every setting the product reads, validated once at the boundary. `loadConfig` is pure (it takes the
 * variables as an object) so the Workers entry can feed it bindings; only `@zhengyun/core/node` reads
 * `process.env` and the data directory.
 */
export const configSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  PUBLIC_URL: optionalString,
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Postgres connection string; absent means the embedded PGlite database under DATA_DIR. */
  DATABASE_URL: optionalString,
  DATA_DIR: z.string().default(".data"),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  /** Seconds before a pooled connection is recycled: bounds per-backend catalog caches (many schemas). */
  DB_CONN_MAX_LIFETIME: z.coerce.number().int().min(10).default(600),
  /** Seed demo data into an empty database. Defaults to on for the embedded database only. */
  DEMO: z.enum(["auto", "true", "false"]).default("auto"),
  S3_ENDPOINT: optionalString,
  S3_REGION: z.string().default("cn-north-1"),
  S3_BUCKET: z.string().default("zhengyun"),
  S3_ACCESS_KEY_ID: optionalString,
  S3_SECRET_ACCESS_KEY: optionalString,
  S3_FORCE_PATH_STYLE: bool,
  /** Key for the audit hash chain; generated into DATA_DIR when absent. */
  AUDIT_HMAC_KEY: optionalString,
  AUDIT_HMAC_ALGORITHM: z.enum(["sha256", "sm3"]).default("sha256"),
  SESSION_SECRET: optionalString,
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  JOBS: z.enum(["on", "off"]).default("on"),
  MAIL_OUTBOX_FILE: optionalString,
  /** Behind a reverse proxy: the client IP is the last X-Forwarded-For hop (the proxy's own). */
  TRUST_PROXY: bool,
  /** Token buckets per process: sustained requests per second and burst, per client IP. */
  RATE_LIMIT_IP_PER_SEC: z.coerce.number().positive().default(50),
  RATE_LIMIT_IP_BURST: z.coerce.number().int().min(1).default(200),
  /** Per tenant: one tenant's flood cannot starve the others. */
  RATE_LIMIT_TENANT_PER_SEC: z.coerce.number().positive().default(300),
  RATE_LIMIT_TENANT_BURST: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_API_KEY_PER_SEC: z.coerce.number().positive().default(20),
  RATE_LIMIT_API_KEY_BURST: z.coerce.number().int().min(1).default(100),
  /** Password attempts (sign-in, registration, password change) per client IP per minute. */
  SIGN_IN_PER_IP_PER_MIN: z.coerce.number().int().min(1).default(30),
  /** Failed sign-ins before a login is locked, and for how long. */
  SIGN_IN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  SIGN_IN_LOCKOUT_MIN: z.coerce.number().int().min(1).default(15),
  /** Citizen sessions (staff are fixed at 30 min idle / 12 h absolute). */
  CITIZEN_SESSION_IDLE_MIN: z.coerce.number().int().min(1).default(60),
  CITIZEN_SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).default(24),
  /**
   * How long a validated session is reused without a database read (ms, never past its limits).
   * Unset: 1000, or 0 under NODE_ENV=test so suites see revocations made outside HTTP at once.
   */
  SESSION_CACHE_MS: z.coerce.number().int().min(0).optional(),
  /** Stripe (optional): without both, invoices are paid by bank transfer only. */
  STRIPE_SECRET_KEY: optionalString,
  STRIPE_WEBHOOK_SECRET: optionalString,
  /** Another Stripe API origin, e.g. a local fake in tests. */
  STRIPE_API_BASE: optionalString,
});

export type Config = z.output<typeof configSchema>;

export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    throw new ValidationError(
      `Invalid configuration: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
      issues,
    );
  }
  return parsed.data;
}

export const isEmbedded = (c: Pick<Config, "DATABASE_URL">): boolean => !c.DATABASE_URL;

export function demoEnabled(c: Pick<Config, "DATABASE_URL" | "DEMO">): boolean {
  if (c.DEMO === "auto") return isEmbedded(c);
  return c.DEMO === "true";
}
