import type { FileAccess, Runtime, TextSink } from "@zhengyun/runtime";

/** What every command gets: the runtime (booted on first use), output sinks and file access. */
export interface CliContext {
  runtime(): Promise<Runtime>;
  stdout: TextSink;
  stderr: TextSink;
  files: FileAccess & { checkWritable?(path: string): Promise<void> };
  /** Results go to stdout, one line each. */
  out(line: string): void;
  /** Logs and notices go to stderr. */
  log(line: string): void;
  /** Set by a command that ran to its end but failed (e.g. some tenants failed to migrate). */
  exitCode: number;
  /**
   * Planning mode: commands only record the files they would read or write, so the admin client
   * knows what to send with the command and which outputs to expect.
   */
  plan: { inputs: string[]; outputs: string[] } | undefined;
}
