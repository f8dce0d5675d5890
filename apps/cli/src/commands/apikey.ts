import type { Command } from "commander";
import type { CliContext } from "../context.ts";
import { UsageError } from "../errors.ts";
import { tenantIdOf, vendorAudit } from "./user.ts";

const SCOPES = ["open311", "usage:write", "read"];

export function registerApiKeyCommands(program: Command, ctx: CliContext): void {
  const apikey = program.command("apikey").description("tenant API keys");
  apikey
    .command("create")
    .description("create an API key for a tenant; the key is shown once, on the last line")
    .argument("<tenant>", "tenant slug")
    .requiredOption("--scopes <list>", `comma-separated: ${SCOPES.join(", ")}`)
    .option("--name <name>", "what the key is for", "default")
    .action(async (slug: string, o: { scopes: string; name: string }) => {
      const scopes = o.scopes
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      const unknown = scopes.filter((s) => !SCOPES.includes(s));
      if (scopes.length === 0 || unknown.length > 0) {
        throw new UsageError(`scopes must be some of ${SCOPES.join(", ")}`);
      }
      if (ctx.plan) return;
      const { db } = await ctx.runtime();
      const { createApiKey } = await import("@zhengyun/auth");
      const tenantId = await tenantIdOf(ctx, slug);
      const { key, apiKey } = await createApiKey({
        ctx: { db, audit: vendorAudit },
        input: { tenantId, name: o.name, scopes },
      });
      ctx.out(`created ${apiKey.id} for ${slug} (${apiKey.scopes.join(",")}) "${apiKey.name}"`);
      ctx.out(key);
    });
}
