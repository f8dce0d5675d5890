import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import type { CliContext } from "../context.ts";
import { EXIT_FAILURE, UsageError } from "../errors.ts";
import { progressBar } from "../progress.ts";
import { checkSlug } from "./tenant.ts";

/** Commands that move tenant data as a whole: template migrations, export/offboard, import. */
export function registerTenantDataCommands(tenant: Command, ctx: CliContext): void {
  tenant
    .command("migrate")
    .description("apply pending template migrations to every tenant")
    .option("--all", "every tenant (required)")
    .option("--concurrency <n>", "tenants migrated at once", (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError("--concurrency: 1 to 64");
      return n;
    })
    .action(async (o: { all?: boolean; concurrency?: number }) => {
      if (!o.all) throw new UsageError("tenant migrate needs --all");
      if (ctx.plan) return;
      const { db } = await ctx.runtime();
      const { migrateAllTenants } = await import("@zhengyun/tenancy/node");
      const bar = progressBar(ctx.stderr, "migrating");
      const res = await migrateAllTenants(db, {
        ...(o.concurrency ? { concurrency: o.concurrency } : {}),
        onProgress: (done, total, slug) => bar.update(done, total, slug),
      }).finally(() => bar.stop());
      // Results (the tenants migrated) on stdout; the summary and the failures on stderr.
      for (const slug of res.migrated) ctx.out(slug);
      ctx.log(
        `checked ${res.checked} tenants, migrated ${res.migrated.length}, failed ${res.failed.length}`,
      );
      for (const f of res.failed) ctx.log(`  failed ${f.slug}: ${f.error.split("\n")[0]}`);
      if (res.failed.length > 0) ctx.exitCode = EXIT_FAILURE;
    });

  tenant
    .command("offboard")
    .description("export a tenant to an archive, then drop its schema, role and objects")
    .argument("<slug>")
    .requiredOption("--export <file>", "where to write the archive (the CLI's working directory)")
    .action(async (slug: string, o: { export: string }) => {
      checkSlug(slug);
      if (ctx.plan) {
        ctx.plan.outputs.push(o.export);
        return;
      }
      await ctx.files.checkWritable?.(o.export);
      const rt = await ctx.runtime();
      const { offboardTenant } = await import("@zhengyun/tenancy/node");
      // offboardTenant writes a local file of the process it runs in; that may be the server, so
      // the archive goes through a private temp file and then to wherever the user asked.
      const dir = await mkdtemp(join(tmpdir(), "zy-offboard-"));
      try {
        const tmp = join(dir, "archive");
        const r = await offboardTenant(rt.db, rt.storage, slug, { exportFile: tmp });
        try {
          await ctx.files.write(o.export, await readFile(tmp));
        } catch (e) {
          throw new Error(
            `tenant offboarded, but writing ${o.export} failed (${(e as Error).message}); the archive is kept in storage as ${r.archiveKey}`,
          );
        }
        ctx.out(`offboarded ${slug}: ${o.export} ${r.bytes} bytes sha256 ${r.sha256}`);
        ctx.log(`archive retained in storage as ${r.archiveKey}`);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

  tenant
    .command("import")
    .description("restore an offboarding archive into a new tenant")
    .argument("<file>", "archive written by tenant offboard")
    .requiredOption("--slug <slug>", "slug of the new tenant")
    .option("--name <name>", "display name (default: the archived tenant's)")
    .action(async (file: string, o: { slug: string; name?: string }) => {
      checkSlug(o.slug);
      if (ctx.plan) {
        ctx.plan.inputs.push(file);
        return;
      }
      const archive = await ctx.files.read(file);
      const rt = await ctx.runtime();
      const { importTenant } = await import("@zhengyun/tenancy/node");
      const t = await importTenant(rt.db, rt.storage, archive, {
        slug: o.slug,
        ...(o.name ? { name: o.name } : {}),
      });
      ctx.out(`imported ${t.slug} (${t.id}) ${t.name} ${t.level} ${t.status}`);
    });
}
