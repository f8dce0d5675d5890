import type { Tx } from "@zhengyun/db";
import { signInFailures } from "@zhengyun/db/platform";
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { AuthOptions } from "./context.ts";

/**
 * Failure counting per normalized login name, whether or not an account has it, so a lockout says
 * nothing about which accounts exist. An expired lockout starts the count again.
 */
export async function lockedUntil(tx: Tx, login: string, now: Date): Promise<Date | undefined> {
  const [row] = await tx.select().from(signInFailures).where(eq(signInFailures.login, login));
  return row?.lockedUntil && row.lockedUntil > now ? row.lockedUntil : undefined;
}

export async function recordFailure(
  tx: Tx,
  login: string,
  now: Date,
  opts: Pick<AuthOptions, "maxFailures" | "lockoutMs">,
): Promise<{ locked: boolean }> {
  const [row] = await tx
    .insert(signInFailures)
    .values({ login, failures: 1, lastFailureAt: now })
    .onConflictDoUpdate({
      target: signInFailures.login,
      set: {
        // After a lockout has run out, this failure is the first of a new series.
        failures: sql`case when ${signInFailures.lockedUntil} is not null and ${signInFailures.lockedUntil} <= ${now.toISOString()} then 1 else ${signInFailures.failures} + 1 end`,
        lockedUntil: sql`case when ${signInFailures.lockedUntil} <= ${now.toISOString()} then null else ${signInFailures.lockedUntil} end`,
        lastFailureAt: now,
      },
    })
    .returning();
  if (!row || row.failures < opts.maxFailures) return { locked: false };
  await tx
    .update(signInFailures)
    .set({ lockedUntil: new Date(now.getTime() + opts.lockoutMs), failures: 0 })
    .where(eq(signInFailures.login, login));
  return { locked: true };
}

export async function clearFailures(tx: Tx, login: string): Promise<void> {
  await tx.delete(signInFailures).where(eq(signInFailures.login, login));
}

/** Drops counters that no longer matter (a job runs this): no lockout pending, quiet for a while. */
export async function pruneFailures(tx: Tx, olderThan: Date): Promise<number> {
  const gone = await tx
    .delete(signInFailures)
    .where(
      and(
        lt(signInFailures.lastFailureAt, olderThan),
        or(isNull(signInFailures.lockedUntil), lt(signInFailures.lockedUntil, olderThan)),
      ),
    )
    .returning({ login: signInFailures.login });
  return gone.length;
}
