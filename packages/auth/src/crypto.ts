import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
  timingSafeEqual,
} from "node:crypto";

export const sha256Hex = (s: string): string => createHash("sha256").update(s).digest("hex");

export const randomToken = (bytes = 32): string => randomBytes(bytes).toString("base64url");

/** Compares two hex digests without leaking where they differ. */
export function digestsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && timingSafeEqual(x, y);
}

const SEALED = "v1.";
const keyOf = (secret: string) => createHash("sha256").update(`zhengyun:totp:${secret}`).digest();

/**
 * AES-256-GCM for secrets we must read back (TOTP seeds), keyed from configuration. Without a key
 * the value is stored as given; a sealed value is recognised by its `v1.` prefix.
 */
export function seal(plain: string, key: string | undefined): string {
  if (!key) return plain;
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", keyOf(key), iv);
  const body = Buffer.concat([c.update(plain, "utf8"), c.final(), c.getAuthTag()]);
  return `${SEALED}${iv.toString("base64url")}.${body.toString("base64url")}`;
}

export function unseal(stored: string, key: string | undefined): string {
  if (!stored.startsWith(SEALED)) return stored;
  if (!key) throw new Error("a sealed secret needs the sealing key");
  const [iv, body] = stored.slice(SEALED.length).split(".") as [string, string];
  const raw = Buffer.from(body, "base64url");
  const d = createDecipheriv("aes-256-gcm", keyOf(key), Buffer.from(iv, "base64url"));
  d.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([d.update(raw.subarray(0, raw.length - 16)), d.final()]).toString("utf8");
}
