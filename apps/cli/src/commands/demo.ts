import type { Command } from "commander";
import type { CliContext } from "../context.ts";

export function registerDemoCommand(program: Command, ctx: CliContext): void {
  program
    .command("demo")
    .description("seed the demo tenants (idempotent)")
    .action(async () => {
      if (ctx.plan) return;
      const rt = await ctx.runtime();
      const { seedDemo } = await import("@zhengyun/demo");
      const summary = await seedDemo(rt);
      for (const t of summary.tenants) {
        ctx.out(`${t.slug.padEnd(12)} ${t.level.padEnd(8)} ${t.status.padEnd(10)} ${t.name}`);
      }
      for (const s of summary.signIn) {
        ctx.out(`sign in: ${s.role} ${s.tenantSlug ?? "(vendor)"} ${s.email} / ${s.password}`);
      }
    });
}
