/**
 * Prefixed, time-sortable ids (`ten_01JF...`): a ULID body (48-bit millisecond time + 80 random bits,
 * Crockford base32) so ids sort by creation time and index well. Uses Web Crypto only, so it runs on
 * Node and on Workers alike.
 */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export type IdPrefix =
  | "ten"
  | "dom"
  | "usr"
  | "ses"
  | "key"
  | "aud"
  | "job"
  | "obj"
  | "ntf"
  | "exp"
  | "evt"
  | (string & {});

export function ulid(now: number = Date.now()): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let rand = "";
  for (let i = 0; i < 16; i++) rand += ALPHABET[(bytes[i] ?? 0) % 32];
  return time + rand;
}

export function newId(prefix: IdPrefix, now?: number): string {
  return `${prefix}_${ulid(now)}`;
}

/** Tracking numbers people read aloud or type: no 0/O, 1/I/L, U. */
const HUMAN = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
export function humanCode(length = 10): string {
  const bytes = new Uint8Array(length);
  crypto.getRandomValues(bytes);
  let out = "";
  for (let i = 0; i < length; i++) out += HUMAN[(bytes[i] ?? 0) % HUMAN.length];
  return out;
}
