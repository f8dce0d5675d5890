/** The SQLSTATE of a database error, looking through the wrappers drizzle puts around it. */
export function sqlState(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Deadlock, serialization failure: the whole transaction rolled back and may simply run again. */
export const isRetryable = (err: unknown): boolean => {
  const s = sqlState(err);
  return s === "40P01" || s === "40001";
};

/** "no partition of relation found for row": a month partition is missing (e.g. detached). */
export const isMissingPartition = (err: unknown): boolean => sqlState(err) === "23514";

/** A unique constraint refused a row: in ingestion, a dedupe key already stored. */
export const isUniqueViolation = (err: unknown): boolean => sqlState(err) === "23505";
