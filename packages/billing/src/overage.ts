import type { platformSchema } from "@zhengyun/db";
import { add, ceil, decimal, max0, mul, type Ratio, ratio, sub, toDecimal } from "./money.ts";

type Rule = Pick<
  platformSchema.PriceMeterRule,
  "includedQuantity" | "model" | "unitPriceFen" | "tiers" | "packageSize" | "packagePriceFen"
>;

export interface TierUse {
  from: number;
  upTo: number | null;
  quantity: string;
  unitPriceFen: string;
}

export interface Overage {
  included: string;
  billable: string;
  /** Exact amount before the line's one rounding. */
  amount: Ratio;
  unitPriceFen: string;
  tiers: TierUse[];
}

/**
 * Prices a meter's quantity for a month: billable = quantity − included (never negative);
 * per_unit: billable × price; graduated: each tier's slice of billable at its price (a tier's
 * upTo is inclusive of the boundary: upTo 1000 prices units 1..1000 there); package: started packages.
 */
export function priceOverage(rule: Rule, quantity: Ratio): Overage {
  const included = decimal(rule.includedQuantity);
  const billable = max0(sub(quantity, included));
  const base = { included: toDecimal(included), billable: toDecimal(billable), tiers: [] };
  if (rule.model === "per_unit") {
    const price = decimal(rule.unitPriceFen ?? "0");
    return { ...base, amount: mul(billable, price), unitPriceFen: toDecimal(price) };
  }
  if (rule.model === "package") {
    const size = decimal(rule.packageSize ?? "1");
    const packages = ceil({ num: billable.num * size.den, den: billable.den * size.num });
    const amount = ratio(packages * BigInt(rule.packagePriceFen ?? 0));
    return { ...base, amount, unitPriceFen: String(rule.packagePriceFen ?? 0) };
  }
  let amount = ratio(0);
  let from = ratio(0);
  const tiers: TierUse[] = [];
  for (const t of rule.tiers ?? []) {
    const top = t.upTo === null ? billable : ratio(t.upTo);
    const upper = cmpMin(top, billable);
    const slice = max0(sub(upper, from));
    const price = decimal(t.unitPriceFen);
    if (slice.num > 0n) {
      tiers.push({
        from: Number(toDecimal(from)),
        upTo: t.upTo,
        quantity: toDecimal(slice),
        unitPriceFen: t.unitPriceFen,
      });
      amount = add(amount, mul(slice, price));
    }
    if (t.upTo === null) break;
    from = ratio(t.upTo);
  }
  const avg =
    billable.num === 0n ? ratio(0) : mul(amount, { num: billable.den, den: billable.num });
  return { ...base, amount, unitPriceFen: toDecimal(avg), tiers };
}

const cmpMin = (a: Ratio, b: Ratio): Ratio => (a.num * b.den <= b.num * a.den ? a : b);
