import { decimal, priceOverage, roundHalfUp } from "@zhengyun/billing";
import { describe, expect, it } from "vitest";

const graduated = {
  includedQuantity: "1000",
  model: "graduated" as const,
  unitPriceFen: null,
  packageSize: null,
  packagePriceFen: null,
  tiers: [
    { upTo: 1000, unitPriceFen: "2" },
    { upTo: 5000, unitPriceFen: "1.5" },
    { upTo: null, unitPriceFen: "0.5" },
  ],
};
const fen = (rule: Parameters<typeof priceOverage>[0], q: string) =>
  roundHalfUp(priceOverage(rule, decimal(q)).amount);

describe("overage pricing", () => {
  it("prices graduated tiers exactly at and across their boundaries", () => {
    expect(fen(graduated, "1000")).toBe(0);
    expect(fen(graduated, "2000")).toBe(2_000);
    expect(fen(graduated, "2001")).toBe(2_002); // 2000 + 1.5 rounds half up
    expect(fen(graduated, "6000")).toBe(2_000 + 6_000);
    expect(fen(graduated, "6001")).toBe(8_001); // 8000 + 0.5 → 8001
    expect(priceOverage(graduated, decimal("6001")).tiers.map((t) => t.quantity)).toEqual([
      "1000",
      "4000",
      "1",
    ]);
  });

  it("counts started packages and per-unit prices below one fen", () => {
    const pkg = {
      ...graduated,
      model: "package" as const,
      includedQuantity: "0",
      packageSize: "100",
      packagePriceFen: 10_000,
    };
    expect(fen(pkg, "0")).toBe(0);
    expect(fen(pkg, "100")).toBe(10_000);
    expect(fen(pkg, "101")).toBe(20_000);
    const unit = {
      ...graduated,
      model: "per_unit" as const,
      includedQuantity: "0",
      unitPriceFen: "0.05",
    };
    expect(fen(unit, "30")).toBe(2); // 1.5 → 2
    expect(fen(unit, "29")).toBe(1); // 1.45 → 1
  });
});
