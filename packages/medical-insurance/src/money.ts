/** Integer fen × basis points, rounded half up once (amounts are non-negative). */
export function applyBp(fen: number, bp: number): number {
  const product = fen * bp;
  // Below 2^47 the double quotient cannot round across an integer; beyond that (claims above about
  // ¥140 million at 100%), BigInt keeps it exact.
  if (product < 2 ** 47) return Math.floor((product + 5000) / 10000);
  return Number((BigInt(fen) * BigInt(bp) + 5000n) / 10000n);
}

/** Quantity (up to 3 decimals) × unit price in fen, rounded half up once per line. */
export function lineAmount(quantity: number, unitPrice: number): number {
  const milli = BigInt(Math.round(quantity * 1000));
  return Number((milli * BigInt(unitPrice) + 500n) / 1000n);
}
