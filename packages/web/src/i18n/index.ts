import { en } from "./en.ts";
import type { MessageKey, Messages } from "./types.ts";
import { zhCN } from "./zh-CN.ts";

export type { MessageKey, Messages } from "./types.ts";

export const langs = ["zh-CN", "en"] as const;
export type Lang = (typeof langs)[number];
export const defaultLang: Lang = "zh-CN";
export const LANG_COOKIE = "zy_lang";

const catalogs: Record<Lang, Messages> = { "zh-CN": zhCN, en };

/** Maps a tag such as `en-GB` or `zh-Hans-CN` onto a supported language. */
export function matchLang(tag: string | undefined | null): Lang | undefined {
  const t = (tag ?? "").trim().toLowerCase();
  if (t === "en" || t.startsWith("en-")) return "en";
  if (t === "zh" || t.startsWith("zh-")) return "zh-CN";
  return undefined;
}

/** The first supported language of an Accept-Language header, by its q values. */
function fromAcceptLanguage(header: string | undefined): Lang | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(",")
    .map((part) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { tag, q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    const lang = matchLang(tag);
    if (lang) return lang;
  }
  return undefined;
}

/** `lang` query parameter, then the cookie, then Accept-Language, then zh-CN. */
export function negotiateLang(input: {
  query?: string | undefined;
  cookie?: string | undefined;
  acceptLanguage?: string | undefined;
}): { lang: Lang; explicit: boolean } {
  const q = matchLang(input.query);
  if (q) return { lang: q, explicit: true };
  const c = matchLang(input.cookie);
  if (c) return { lang: c, explicit: false };
  return { lang: fromAcceptLanguage(input.acceptLanguage) ?? defaultLang, explicit: false };
}

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  const cat = catalogs[lang];
  return (key, params) => {
    const text = cat[key];
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (m, name: string) =>
      name in params ? String(params[name]) : m,
    );
  };
}

const TZ = "Asia/Shanghai";
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** A moment shown in Asia/Shanghai, e.g. 2026-03-02 09:00. */
export function formatDateTime(d: Date, lang: Lang, withTime = true): string {
  const key = `${lang}:${withTime}`;
  let f = dateFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(lang === "en" ? "en-CA" : "zh-CN", {
      timeZone: TZ,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      ...(withTime ? { hour: "2-digit", minute: "2-digit", hourCycle: "h23" } : {}),
    });
    dateFormats.set(key, f);
  }
  const parts = Object.fromEntries(f.formatToParts(d).map((p) => [p.type, p.value]));
  const day = `${parts.year}-${parts.month}-${parts.day}`;
  return withTime ? `${day} ${parts.hour}:${parts.minute}` : day;
}

/** Integer fen as `¥1,234.56` (a minus sign before the ¥ for credits). */
export function formatMoney(fen: number | bigint): string {
  const v = BigInt(fen);
  const neg = v < 0n;
  const abs = neg ? -v : v;
  const yuan = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const cents = (abs % 100n).toString().padStart(2, "0");
  return `${neg ? "-" : ""}¥${yuan}.${cents}`;
}

/** A count with thousands separators, the same in both languages. */
export const formatNumber = (n: number): string =>
  Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
