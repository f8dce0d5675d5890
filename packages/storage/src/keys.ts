import { ValidationError } from "@zhengyun/core";

/** Tenant ids are prefixed ULIDs (`ten_…`); anything else cannot name a tenant's prefix. */
const TENANT_ID = /^[A-Za-z0-9_-]{1,64}$/;
// S3 keys are at most 1024 bytes; leave room for `tenants/<id>/`.
const MAX_KEY_BYTES = 900;
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export function tenantPrefix(tenantId: string): string {
  if (!TENANT_ID.test(tenantId)) throw new ValidationError(`Invalid tenant id "${tenantId}"`);
  return `tenants/${tenantId}/`;
}

/**
 * A key relative to the tenant's prefix. Refuses anything that could climb out of the prefix or be
 * read differently by another S3 implementation or a filesystem-backed store (s3rver stores keys as
 * paths): `..`/`.` segments, a leading `/`, empty segments, control characters, backslashes.
 */
export function checkKey(key: string, what = "key"): string {
  const problem = keyProblem(key, false);
  if (problem) throw new ValidationError(`Invalid object ${what}: ${problem}`);
  return key;
}

/** Like checkKey, but the empty prefix and a trailing `/` are allowed. */
export function checkPrefix(prefix: string): string {
  if (prefix === "") return prefix;
  const problem = keyProblem(prefix, true);
  if (problem) throw new ValidationError(`Invalid object prefix: ${problem}`);
  return prefix;
}

function keyProblem(key: string, isPrefix: boolean): string | undefined {
  if (key.length === 0) return "it is empty";
  if (new TextEncoder().encode(key).length > MAX_KEY_BYTES) return "it is too long";
  if (key.startsWith("/")) return "it must not start with '/'";
  if (CONTROL.test(key)) return "it contains control characters";
  if (key.includes("\\")) return "it contains a backslash";
  const segments = key.split("/");
  if (isPrefix && segments.at(-1) === "") segments.pop();
  for (const s of segments) {
    if (s === "") return "it contains an empty path segment";
    if (s === "." || s === "..") return "it contains a '.' or '..' segment";
  }
  return undefined;
}

/** Presigned URLs live at most 15 minutes. */
export const MAX_EXPIRY_SECONDS = 900;

export function checkExpiry(expiresIn: number | undefined, fallback: number): number {
  const s = expiresIn ?? fallback;
  if (!Number.isInteger(s) || s < 1 || s > MAX_EXPIRY_SECONDS) {
    throw new ValidationError(
      `expiresIn must be a whole number of seconds between 1 and ${MAX_EXPIRY_SECONDS}`,
    );
  }
  return s;
}
