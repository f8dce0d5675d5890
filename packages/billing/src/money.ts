/**
 * Exact money arithmetic: amounts are rationals of bigints until the one half-up rounding per line,
 * so splitting, discounting and pricing never lose or create a fen before that rounding.
 */
export interface Ratio {
  num: bigint;
  den: bigint;
}

export const ratio = (num: bigint | number, den: bigint | number = 1n): Ratio => ({
  num: BigInt(num),
  den: BigInt(den),
});

/** A decimal string ("0.05", "-12", "1e3" not accepted) as an exact ratio. */
export function decimal(s: string): Ratio {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(s.trim());
  if (!m) throw new Error(`not a decimal: ${s}`);
  const frac = m[3] ?? "";
  const num = BigInt(`${m[2]}${frac}`) * (m[1] ? -1n : 1n);
  return { num, den: 10n ** BigInt(frac.length) };
}

export const mul = (a: Ratio, b: Ratio): Ratio => ({ num: a.num * b.num, den: a.den * b.den });
export const add = (a: Ratio, b: Ratio): Ratio => ({
  num: a.num * b.den + b.num * a.den,
  den: a.den * b.den,
});
export const sub = (a: Ratio, b: Ratio): Ratio => add(a, { num: -b.num, den: b.den });
export const cmp = (a: Ratio, b: Ratio): number => {
  const d = a.num * b.den - b.num * a.den;
  return d > 0n ? 1 : d < 0n ? -1 : 0;
};
export const max0 = (a: Ratio): Ratio => (a.num < 0n ? ratio(0) : a);

/** Round half up (half away from zero for negatives, so a credit mirrors its charge). */
export function roundHalfUp(r: Ratio): number {
  let { num, den } = r;
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const neg = num < 0n;
  const abs = neg ? -num : num;
  const q = (2n * abs + den) / (2n * den);
  return Number(neg ? -q : q);
}

/** Ceiling of a non-negative ratio. */
export const ceil = (r: Ratio): bigint => (r.num + r.den - 1n) / r.den;

/** A ratio as a decimal string with up to `places` decimals (for display columns only). */
export function toDecimal(r: Ratio, places = 6): string {
  const scale = 10n ** BigInt(places);
  const v = roundHalfUp({ num: r.num * scale, den: r.den });
  const neg = v < 0;
  const abs = BigInt(Math.abs(v));
  const int = abs / scale;
  const frac = (abs % scale).toString().padStart(places, "0").replace(/0+$/, "");
  return `${neg ? "-" : ""}${int}${frac ? `.${frac}` : ""}`;
}

/**
 * The piece of a monthly amount for days [startDay, endDay) of a month (0-based day offsets), by
 * cumulative rounding: round(P × end ÷ D) − round(P × start ÷ D). Pieces of a month add up to
 * round(P) exactly, whatever the split.
 */
export function prorate(monthly: Ratio, startDay: number, endDay: number, days: number): number {
  const at = (d: number) => roundHalfUp(mul(monthly, ratio(d, days)));
  return at(endDay) - at(startDay);
}

/** Basis points applied as a discount: P × (10000 − bp) ÷ 10000, still exact. */
export const discounted = (p: Ratio, bp: number): Ratio => mul(p, ratio(10_000 - bp, 10_000));

/** Tax of a rounded line amount, rounded half-up once. */
export const taxOf = (amountFen: number, rateBp: number): number =>
  roundHalfUp(ratio(BigInt(amountFen) * BigInt(rateBp), 10_000n));
