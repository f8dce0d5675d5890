import { describe, expect, it } from "vitest";
import { applicationStates } from "../schema.ts";
import { type PortalKey, portalCatalogs, portalMessages } from "./i18n.ts";

describe("portal pages' catalog", () => {
  it("has the same placeholders in zh-CN and en", () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [k, zh] of Object.entries(portalCatalogs["zh-CN"])) {
      expect(names(portalCatalogs.en[k as PortalKey]), k).toEqual(names(zh));
    }
  });

  it("names every application state and fills placeholders", () => {
    for (const s of applicationStates) {
      expect(portalCatalogs["zh-CN"][`state.${s}`]).toBeTruthy();
      expect(portalCatalogs.en[`state.${s}`]).toBeTruthy();
    }
    expect(portalMessages("en")("apply.submitted", { tracking: "ABC234" })).toBe(
      "Application submitted, tracking number ABC234.",
    );
  });
});
