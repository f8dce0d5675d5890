import type { Runtime } from "@zhengyun/runtime";
import { type CommandIo, type LocalAdmin, startLocalAdmin } from "@zhengyun/runtime/channel";
import { Command } from "commander";
import { registerApiKeyCommands } from "./commands/apikey.ts";
import { registerAuditCommands } from "./commands/audit.ts";
import { registerBillingCommands } from "./commands/billing.ts";
import { registerDemoCommand } from "./commands/demo.ts";
import { registerTenantCommands } from "./commands/tenant.ts";
import { registerTenantDataCommands } from "./commands/tenant-data.ts";
import { registerUserCommands } from "./commands/user.ts";
import type { CliContext } from "./context.ts";
import { describeError, EXIT_OK } from "./errors.ts";
import { localFiles } from "./files.ts";

export type { CliContext } from "./context.ts";
export { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "./errors.ts";

export interface CliIo extends CommandIo {
  /** A booted runtime, or a function that boots one on first use (so --help and usage errors are fast). */
  rt: Runtime | (() => Promise<Runtime>);
}

/*
 * Commands load the database, tenancy and storage code when they run, not when the program is
 * built: help, usage errors and commands handed to a running server then start in a fraction of
 * the time.
 */
function buildProgram(ctx: CliContext): Command {
  const program = new Command("zhengyun")
    .description("Zhengyun operator CLI: tenants, migrations, demo data")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    });
  const tenant = program.command("tenant").description("manage tenants");
  registerTenantCommands(tenant, ctx);
  registerTenantDataCommands(tenant, ctx);
  registerDemoCommand(program, ctx);
  registerUserCommands(program, ctx);
  registerApiKeyCommands(program, ctx);
  registerAuditCommands(program, ctx);
  registerBillingCommands(program, ctx);
  return program;
}

function contextFor(io: CliIo): CliContext {
  let booted: Promise<Runtime> | undefined;
  const rt = io.rt;
  return {
    runtime: () => {
      booted ??= typeof rt === "function" ? rt() : Promise.resolve(rt);
      return booted;
    },
    stdout: io.stdout,
    stderr: io.stderr,
    files: io.files ?? localFiles(),
    out: (line) => io.stdout.write(`${line}\n`),
    log: (line) => io.stderr.write(`${line}\n`),
    exitCode: EXIT_OK,
    plan: undefined,
  };
}

/**
 * Runs one CLI command in-process; returns its exit code (0 ok, 1 failed, 2 bad usage or input).
 * Results go to stdout, logs and progress to stderr, errors as one line on stderr.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const ctx = contextFor(io);
  try {
    await buildProgram(ctx).parseAsync(argv, { from: "user" });
    return ctx.exitCode;
  } catch (e) {
    const { code, line } = describeError(e);
    if (line) io.stderr.write(`error: ${line}\n`);
    return code;
  }
}

/**
 * The files a command line would read and write, without running it: what a client sends along
 * with a command to a server, and what it expects back. Undefined when the command line is invalid.
 */
export async function commandFiles(
  argv: string[],
): Promise<{ inputs: string[]; outputs: string[] } | undefined> {
  const discard = { write: () => true };
  const ctx = contextFor({
    rt: () => Promise.reject(new Error("planning does not boot")),
    stdout: discard,
    stderr: discard,
  });
  ctx.plan = { inputs: [], outputs: [] };
  try {
    await buildProgram(ctx).parseAsync(argv, { from: "user" });
    return ctx.plan;
  } catch {
    return undefined;
  }
}

/**
 * The server's side of `pnpm cli` on the embedded database: serves CLI commands from other processes
 * through the runtime's local admin channel. Closed with the runtime.
 */
export function serveCliAdmin(rt: Runtime): Promise<LocalAdmin> {
  return startLocalAdmin(rt, (argv, io) => runCli(argv, { ...io, rt }));
}
