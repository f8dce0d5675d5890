import type { Command } from "commander";
import type { CliContext } from "../context.ts";
import { EXIT_FAILURE } from "../errors.ts";
import { checkSlug } from "./tenant.ts";

export function registerAuditCommands(program: Command, ctx: CliContext): void {
  const audit = program.command("audit").description("the hash-chained audit log");
  audit
    .command("verify")
    .description(
      "seal pending records, then check every chain (the vendor's and each tenant's); exit 1 when one is broken",
    )
    .option("--tenant <slug>", "check only this tenant's chain")
    .action(async (o: { tenant?: string }) => {
      if (o.tenant) checkSlug(o.tenant);
      if (ctx.plan) return;
      const rt = await ctx.runtime();
      const { auditKeyFrom, runAuditVerify } = await import("@zhengyun/audit");
      const code = await runAuditVerify(
        rt.db,
        auditKeyFrom(rt.config, rt.secrets),
        o.tenant ? { tenant: o.tenant } : {},
        ctx.stdout,
      );
      if (code !== 0) ctx.exitCode = EXIT_FAILURE;
    });
}
