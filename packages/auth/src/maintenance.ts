import { withPlatform } from "@zhengyun/tenancy";
import { type AuthCtx, clockOf, optionsOf } from "./context.ts";
import { pruneFailures } from "./lockout.ts";
import { sessionManager } from "./sessions.ts";

/**
 * Housekeeping for a scheduled job: deletes expired sessions and stale failure counters (older
 * than a day), so the tables do not grow with abandoned sessions or sprayed login names.
 */
export async function pruneIdentity({ ctx }: { ctx: AuthCtx }): Promise<{ failures: number }> {
  const clock = clockOf(ctx);
  await sessionManager(ctx.db, clock, optionsOf(ctx)).deleteExpired();
  const dayAgo = new Date(clock.now().getTime() - 24 * 3_600_000);
  return { failures: await withPlatform(ctx.db, (tx) => pruneFailures(tx, dayAgo)) };
}
