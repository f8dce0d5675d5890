import { ValidationError } from "@zhengyun/core";
// The core entry has no node:* imports, so it runs on Workers too.
import { fileTypeFromBuffer } from "file-type/core";

/**
 * Types with no magic bytes. They are accepted only when no binary signature is found and the
 * sampled bytes are UTF-8 text without control characters, so a PNG or a ZIP cannot pass as text.
 */
export const TEXT_TYPES: ReadonlySet<string> = new Set([
  "text/plain",
  "text/csv",
  "text/markdown",
  "application/json",
]);

/** Enough for file-type to look inside ZIP containers (docx, xlsx, odt), not just see a ZIP. */
export const SNIFF_BYTES = 64 * 1024;

const CONTENT_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

/** `Text/Plain; charset=utf-8` → `text/plain`; a malformed type is a ValidationError. */
export function normalizeContentType(value: string): string {
  const base = (value.split(";")[0] ?? "").trim().toLowerCase();
  if (!CONTENT_TYPE.test(base)) throw new ValidationError(`Invalid content type "${value}"`);
  return base;
}

/**
 * Checks the first bytes of an upload against the type its uploader declared. Returns a reason to
 * refuse, or undefined when the content is what it claims and the type is allowed.
 */
export async function contentProblem(
  head: Uint8Array,
  declared: string,
  allowed: ReadonlySet<string>,
): Promise<string | undefined> {
  if (!allowed.has(declared)) return `type ${declared} is not allowed here`;
  const detected = (await fileTypeFromBuffer(head))?.mime;
  if (detected) {
    if (detected !== declared) return `declared as ${declared} but the content is ${detected}`;
    return undefined;
  }
  if (!TEXT_TYPES.has(declared)) return `declared as ${declared} but the content is not recognised`;
  if (!looksLikeText(head)) return `declared as ${declared} but the content is not text`;
  return undefined;
}

// Tab, line feed, form feed and carriage return are the only control characters text may hold.
// biome-ignore lint/suspicious/noControlCharactersInRegex: detecting control characters is the point
const BINARY = /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/;

function looksLikeText(head: Uint8Array): boolean {
  try {
    // stream: true tolerates a multi-byte character cut off at the end of the sample.
    const text = new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: true });
    return !BINARY.test(text);
  } catch {
    return false;
  }
}
