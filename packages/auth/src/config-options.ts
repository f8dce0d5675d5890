import type { Config } from "@zhengyun/core";
import type { AuthOptions } from "./context.ts";

/** The identity limits the deployment configures; the JSON routes and the pages both use these. */
export function authOptionsFrom(config: Config): Partial<AuthOptions> {
  return {
    maxFailures: config.SIGN_IN_MAX_FAILURES,
    lockoutMs: config.SIGN_IN_LOCKOUT_MIN * 60_000,
    citizenSession: {
      idleMs: config.CITIZEN_SESSION_IDLE_MIN * 60_000,
      absoluteMs: config.CITIZEN_SESSION_ABSOLUTE_HOURS * 3_600_000,
    },
  };
}
