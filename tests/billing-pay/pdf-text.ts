import { inflateSync } from "node:zlib";

/**
 * Just enough PDF reading to prove the text round-trips: inflates every stream, reads each
 * ToUnicode CMap (bfrange arrays and bfchar) and decodes every TJ/Tj hex string with each CMap.
 * Returns the decodings; a string drawn in a font decodes correctly with that font's CMap.
 */
export function pdfTexts(pdf: Buffer): string[] {
  const s = pdf.toString("latin1");
  const streams: string[] = [];
  const re = /stream\r?\n/g;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const end = s.indexOf("endstream", m.index);
    const raw = pdf.subarray(m.index + m[0].length, end);
    try {
      streams.push(inflateSync(raw).toString("latin1"));
    } catch {
      streams.push(raw.toString("latin1"));
    }
  }
  const maps = streams.filter((t) => t.includes("begincmap")).map(parseCmap);
  const texts: string[] = [];
  for (const t of streams) {
    for (const op of t.matchAll(/\[((?:<[0-9a-fA-F]*>|[\s\d.-])*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj/g)) {
      const hex = op[1]
        ? [...op[1].matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1]).join("")
        : op[2];
      for (const map of maps) texts.push(decode(hex ?? "", map));
    }
  }
  return texts;
}

function parseCmap(t: string): Map<number, string> {
  const map = new Map<number, string>();
  const cp = (h: string) =>
    String.fromCodePoint(
      ...(h.replace(/\s/g, "").match(/.{4}/g) ?? []).map((x) => Number.parseInt(x, 16)),
    );
  for (const b of t.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const r of (b[1] ?? "").matchAll(
      /<([0-9a-f]+)>\s*<([0-9a-f]+)>\s*(\[[^\]]*\]|<[0-9a-f]+>)/gi,
    )) {
      const lo = Number.parseInt(r[1] ?? "0", 16);
      const hi = Number.parseInt(r[2] ?? "0", 16);
      const dst = r[3] ?? "";
      if (dst.startsWith("[")) {
        let g = lo;
        // A ligature maps to several code points: `<0066 0066>` is "ff".
        for (const d of dst.matchAll(/<([0-9a-f\s]+)>/gi)) map.set(g++, cp(d[1] ?? ""));
      } else {
        const base = Number.parseInt(dst.slice(1, -1), 16);
        for (let g = lo; g <= hi; g++) map.set(g, String.fromCodePoint(base + g - lo));
      }
    }
  }
  for (const b of t.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const r of (b[1] ?? "").matchAll(/<([0-9a-f]+)>\s*<([0-9a-f]+)>/gi)) {
      map.set(Number.parseInt(r[1] ?? "0", 16), cp(r[2] ?? ""));
    }
  }
  return map;
}

const decode = (hex: string, map: Map<number, string>): string =>
  (hex.match(/.{4}/g) ?? []).map((g) => map.get(Number.parseInt(g, 16)) ?? "\uFFFD").join("");
