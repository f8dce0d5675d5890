/** Integer fen × basis points, rounded half up once (amounts are non-negative and below 2^53/1e4). */
export const applyBp = (fen: number, bp: number): number => Math.floor((fen * bp + 5000) / 10000);

/** Quantity (up to 3 decimals) × unit price in fen, rounded half up once per line. */
export function lineAmount(quantity: number, unitPrice: number): number {
  const milli = BigInt(Math.round(quantity * 1000));
  return Number((milli * BigInt(unitPrice) + 500n) / 1000n);
}
