import { describe, expect, it } from "vitest";
import { en } from "./en.ts";
import { formatDateTime, formatMoney, negotiateLang, translator } from "./index.ts";
import { zhCN } from "./zh-CN.ts";

describe("i18n", () => {
  it("has the same keys and placeholders in both catalogs", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
    for (const [k, zh] of Object.entries(zhCN)) {
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(names(en[k as keyof typeof en]), k).toEqual(names(zh));
    }
  });

  it("negotiates query, then cookie, then Accept-Language, then zh-CN", () => {
    expect(negotiateLang({ query: "en", cookie: "zh-CN" })).toEqual({ lang: "en", explicit: true });
    expect(negotiateLang({ cookie: "en", acceptLanguage: "zh-CN" }).lang).toBe("en");
    expect(negotiateLang({ acceptLanguage: "fr;q=1, en-GB;q=0.8, zh;q=0.5" }).lang).toBe("en");
    expect(negotiateLang({ query: "fr", acceptLanguage: "de" }).lang).toBe("zh-CN");
  });

  it("formats money from integer fen and dates in Asia/Shanghai", () => {
    expect(formatMoney(123456)).toBe("¥1,234.56");
    expect(formatMoney(5n)).toBe("¥0.05");
    expect(formatMoney(-100000000)).toBe("-¥1,000,000.00");
    // 16:30 UTC is 00:30 the next day in Shanghai.
    expect(formatDateTime(new Date("2026-03-01T16:30:00Z"), "zh-CN")).toBe("2026-03-02 00:30");
    expect(formatDateTime(new Date("2026-03-01T16:30:00Z"), "en", false)).toBe("2026-03-02");
    expect(translator("en")("table.page", { page: 2, pages: 3, total: 120 })).toBe(
      "Page 2 of 3, 120 in all",
    );
  });
});
