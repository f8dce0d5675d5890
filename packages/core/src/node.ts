import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { type Config, loadConfig } from "./config.ts";

import type { Secrets } from "./secrets.ts";

export type { Secrets };

/** The only place that reads process.env. */
export function loadNodeConfig(overrides: Record<string, string | undefined> = {}): Config {
  // The AWS SDK warns on every start under Node 20 about its future Node 22 requirement; the README
  // already says production should run Node 22 or 24.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const cfg = loadConfig({ ...process.env, ...overrides });
  return { ...cfg, DATA_DIR: resolve(cfg.DATA_DIR) };
}

/**
 * Secrets come from configuration when given; otherwise they are generated once into
 * `<DATA_DIR>/secrets.json` (mode 0600) so a bare machine works with no variables set and keeps
 * the same keys across restarts.
 */
export function loadSecrets(cfg: Config): Secrets {
  mkdirSync(cfg.DATA_DIR, { recursive: true });
  const file = resolve(cfg.DATA_DIR, "secrets.json");
  let stored: Partial<Secrets> = {};
  if (existsSync(file)) stored = JSON.parse(readFileSync(file, "utf8")) as Partial<Secrets>;
  const gen = () => randomBytes(32).toString("base64url");
  const secrets: Secrets = {
    auditHmacKey: cfg.AUDIT_HMAC_KEY ?? stored.auditHmacKey ?? gen(),
    sessionSecret: cfg.SESSION_SECRET ?? stored.sessionSecret ?? gen(),
    s3AccessKeyId: cfg.S3_ACCESS_KEY_ID ?? stored.s3AccessKeyId ?? "S3RVER",
    s3SecretAccessKey: cfg.S3_SECRET_ACCESS_KEY ?? stored.s3SecretAccessKey ?? "S3RVER",
  };
  const toStore = { ...stored };
  let changed = false;
  for (const k of ["auditHmacKey", "sessionSecret"] as const) {
    if (!cfg[k === "auditHmacKey" ? "AUDIT_HMAC_KEY" : "SESSION_SECRET"] && !stored[k]) {
      toStore[k] = secrets[k];
      changed = true;
    }
  }
  if (changed) {
    writeFileSync(file, JSON.stringify(toStore, null, 2), { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return secrets;
}
