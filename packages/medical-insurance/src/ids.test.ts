import { describe, expect, it } from "vitest";
import { newIds } from "./ids.ts";

describe("newIds", () => {
  it("makes distinct ids in newId's format, sharing the time prefix", () => {
    const ids = newIds("setl", 10_000, Date.UTC(2026, 10, 27));
    expect(new Set(ids).size).toBe(10_000);
    for (const id of ids) expect(id).toMatch(/^setl_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(new Set(ids.map((id) => id.slice(0, 15))).size).toBe(1);
  });
});
