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
