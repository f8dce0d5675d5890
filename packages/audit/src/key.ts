import { createHmac } from "node:crypto";
import type { Config, Secrets } from "@zhengyun/core";

export type AuditAlgorithm = "sha256" | "sm3";

/** The chain key: HMAC-SHA-256 by default, HMAC-SM3 (GB/T 32905) when configured. */
export interface AuditKey {
  secret: string;
  algorithm: AuditAlgorithm;
}

export function auditKeyFrom(
  config: Pick<Config, "AUDIT_HMAC_ALGORITHM">,
  secrets: Pick<Secrets, "auditHmacKey">,
): AuditKey {
  if (!secrets.auditHmacKey) throw new Error("audit HMAC key is empty");
  return { secret: secrets.auditHmacKey, algorithm: config.AUDIT_HMAC_ALGORITHM };
}

/** hash_n = HMAC(key, hash_{n-1} ‖ canonical(record n)); the newline keeps the two parts apart. */
export function linkHash(key: AuditKey, prev: string, canonical: string): string {
  return createHmac(key.algorithm, key.secret)
    .update(prev)
    .update("\n")
    .update(canonical)
    .digest("hex");
}
