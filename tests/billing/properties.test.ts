import { prorate, ratio, roundHalfUp } from "@zhengyun/billing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

/** Cut points of a month: sorted, distinct, from 0 to its days. */
const splits = fc
  .tuple(
    fc.integer({ min: 28, max: 31 }),
    fc.uniqueArray(fc.integer({ min: 1, max: 30 }), { maxLength: 8 }),
  )
  .map(([days, cuts]) => ({
    days,
    cuts: [0, ...cuts.filter((c) => c < days).sort((a, b) => a - b), days],
  }));

describe("proration", () => {
  it("adds the pieces of a month up to its price exactly", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000 }), splits, (price, { days, cuts }) => {
        const pieces = cuts
          .slice(1)
          .map((end, i) => prorate(ratio(price), cuts[i] ?? 0, end, days));
        expect(pieces.reduce((a, b) => a + b, 0)).toBe(price);
      }),
    );
  });

  it("neither loses nor creates a fen for fractional monthly amounts (renewal fees)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000_000 }),
        fc.integer({ min: 1, max: 120 }),
        splits,
        (cost, cycle, { days, cuts }) => {
          const monthly = ratio(cost, cycle);
          const pieces = cuts.slice(1).map((end, i) => prorate(monthly, cuts[i] ?? 0, end, days));
          expect(pieces.reduce((a, b) => a + b, 0)).toBe(roundHalfUp(monthly));
          // Each piece is within one fen of its exact share.
          for (const [i, p] of pieces.entries()) {
            const exact = (cost / cycle) * (((cuts[i + 1] ?? 0) - (cuts[i] ?? 0)) / days);
            expect(Math.abs(p - exact)).toBeLessThanOrEqual(1);
          }
        },
      ),
    );
  });

  it("rounds half up, and a credit mirrors its charge", () => {
    expect(roundHalfUp(ratio(3, 2))).toBe(2);
    expect(roundHalfUp(ratio(5, 2))).toBe(3);
    expect(roundHalfUp(ratio(-3, 2))).toBe(-2);
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
        fc.bigInt({ min: 1n, max: 10n ** 6n }),
        (n, d) => {
          expect(roundHalfUp({ num: -n, den: d })).toBe(-roundHalfUp({ num: n, den: d }) || 0);
        },
      ),
    );
  });
});
