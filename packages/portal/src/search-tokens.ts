/*
 * Chinese full-text search without a segmenter: every CJK run becomes its characters and their
 * bigrams, other text its lower-cased words. CJK tokens are spelled as hex code points (`z793e4fdd`
 * for 社保) so Postgres's `simple` parser, whose notion of a letter depends on the server locale,
 * sees plain ASCII words on every server and on PGlite alike.
 */
const CJK = /[\u3400-\u9fff\uf900-\ufaff]+/gu;
const WORD = /[\p{L}\p{N}]+/gu;

const hex = (s: string) => `z${[...s].map((c) => c.codePointAt(0)?.toString(16)).join("")}`;

function cjkTokens(run: string, unigrams: boolean): string[] {
  const chars = [...run];
  if (chars.length === 1) return [hex(run)];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i++) {
    if (unigrams) out.push(hex(chars[i] as string));
    if (i + 1 < chars.length) out.push(hex(`${chars[i]}${chars[i + 1]}`));
  }
  return out;
}

/** Tokens for the index: unigrams and bigrams, so one- and two-character queries both match. */
export function indexTokens(text: string): string {
  const out: string[] = [];
  for (const run of text.match(CJK) ?? []) out.push(...cjkTokens(run, true));
  for (const w of text.replace(CJK, " ").match(WORD) ?? []) out.push(w.toLowerCase());
  return out.join(" ");
}

/** Tokens a query must all match: bigrams of each CJK run (a lone character as itself), words. */
export function queryTokens(q: string): string[] {
  const out = new Set<string>();
  for (const run of q.match(CJK) ?? []) for (const t of cjkTokens(run, false)) out.add(t);
  for (const w of q.replace(CJK, " ").match(WORD) ?? []) out.add(w.toLowerCase());
  return [...out].slice(0, 32);
}

/** The terms to highlight: the query's CJK runs and words as typed. */
export const queryTerms = (q: string): string[] => [
  ...new Set([...(q.match(CJK) ?? []), ...(q.replace(CJK, " ").match(WORD) ?? [])]),
];

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A snippet around the first hit with every term in <mark>, HTML-escaped otherwise. */
export function highlight(text: string, terms: string[], width = 60): string {
  if (terms.length === 0) return escapeHtml(text.slice(0, width * 2));
  const re = new RegExp(terms.map(escapeRe).join("|"), "giu");
  const first = text.search(re);
  const from = Math.max(0, first - width / 2);
  const slice = text.slice(from, from + width * 2);
  let out = from > 0 ? "…" : "";
  let last = 0;
  for (const m of slice.matchAll(re)) {
    out += `${escapeHtml(slice.slice(last, m.index))}<mark>${escapeHtml(m[0])}</mark>`;
    last = m.index + m[0].length;
  }
  return out + escapeHtml(slice.slice(last)) + (from + width * 2 < text.length ? "…" : "");
}
