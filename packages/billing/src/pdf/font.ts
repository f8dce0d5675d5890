import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * Noto Sans SC (as "Noto Sans Hans", SIL OFL 1.1) from the npm package @embedpdf/fonts-sc: OTF files
 * covering GB2312. pdfkit embeds only the glyphs a document uses (a subset), so an invoice PDF
 * stays small. Read once per process: each file is about 8 MB.
 */
let cached: Buffer | undefined;

export function cjkFont(): Buffer {
  if (!cached) {
    const entry = createRequire(import.meta.url).resolve("@embedpdf/fonts-sc");
    cached = readFileSync(join(dirname(entry), "..", "fonts", "NotoSansHans-Regular.otf"));
  }
  return cached;
}
