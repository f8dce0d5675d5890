import { isDomainError } from "@zhengyun/core";
import { CommanderError } from "commander";

/** Exit codes: 0 ok, 1 the command failed, 2 the command line or its input was wrong. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Bad command-line input found by our own checks (commander reports its own). */
export class UsageError extends Error {}

/** Maps an error to its exit code and the one line that explains it. */
export function describeError(e: unknown): { code: number; line: string } {
  if (e instanceof CommanderError) return { code: e.exitCode === 0 ? 0 : EXIT_USAGE, line: "" };
  if (e instanceof UsageError) return { code: EXIT_USAGE, line: e.message };
  if (isDomainError(e)) {
    return { code: e.code === "validation" ? EXIT_USAGE : EXIT_FAILURE, line: e.message };
  }
  const msg = e instanceof Error ? e.message : String(e);
  return { code: EXIT_FAILURE, line: msg.split("\n")[0] ?? "unknown error" };
}
