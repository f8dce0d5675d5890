import type { Command } from "commander";
import type { CliContext } from "../context.ts";

const yuan = (fen: number) =>
  `¥${(fen / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** `billing run --period 2026-10 [--tenant slug] [--json]`; returns the group for more commands. */
export function registerBillingCommands(program: Command, ctx: CliContext): Command {
  const billing = program.command("billing").description("billing runs and review");
  billing
    .command("run")
    .description("draft the invoices of an ended month (re-runs replace drafts, never issued ones)")
    .requiredOption("--period <yyyy-mm>", "the month, e.g. 2026-10")
    .option("--tenant <slug>", "bill one tenant only")
    .option("--json", "print the drafts as a JSON array")
    .action(async (o: { period: string; tenant?: string; json?: boolean }) => {
      if (ctx.plan) return;
      const { db } = await ctx.runtime();
      const { runBilling } = await import("@zhengyun/billing");
      const r = await runBilling(db, {
        period: o.period,
        ...(o.tenant ? { tenant: o.tenant } : {}),
      });
      if (o.json) {
        ctx.out(JSON.stringify(r.drafts, null, 2));
        return;
      }
      for (const d of r.drafts) {
        const flags = (r.flags[d.tenant] ?? []).map((f) => f.code).join(",");
        ctx.out(
          `${d.tenant.padEnd(16)} ${d.invoice_id} ${yuan(d.total_fen).padStart(16)} ${flags}`,
        );
      }
      for (const s of r.skipped)
        ctx.log(`skipped ${s.tenant}: invoice ${s.invoiceId} is ${s.status}`);
      ctx.log(`${r.drafts.length} drafts for ${r.period}`);
    });
  billing
    .command("quotas")
    .description("alert tenant admins at 80% and 100% of this month's included allowances")
    .action(async () => {
      if (ctx.plan) return;
      const { db } = await ctx.runtime();
      const { checkQuotas } = await import("@zhengyun/billing");
      for (const a of await checkQuotas(db)) {
        ctx.out(`${a.tenantId} ${a.meter} ${a.thresholdPct}% (${a.quantity} of ${a.included})`);
      }
    });
  return billing;
}
