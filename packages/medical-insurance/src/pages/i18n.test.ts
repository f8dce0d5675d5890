import { describe, expect, it } from "vitest";
import { rejectionReasons } from "../review.ts";
import { type MiKey, miCatalogs } from "./i18n.ts";

describe("medical pages' catalog", () => {
  it("has the same placeholders in zh-CN and en", () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [k, zh] of Object.entries(miCatalogs["zh-CN"])) {
      expect(names(miCatalogs.en[k as MiKey]), k).toEqual(names(zh));
    }
  });

  it("names every coded rejection reason as the domain does", () => {
    for (const [code, label] of Object.entries(rejectionReasons)) {
      expect(miCatalogs["zh-CN"][`reason.${code as keyof typeof rejectionReasons}`]).toBe(label);
    }
  });
});
