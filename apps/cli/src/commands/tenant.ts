import { ConflictError, slugProblem } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import type { TenantChangeHook } from "@zhengyun/tenancy";
import { type Command, Option } from "commander";
import type { CliContext } from "../context.ts";
import { UsageError } from "../errors.ts";

/**
 * Tenant lifecycle changes made from the CLI are vendor actions: the same vendor-chain record the
 * JSON routes and the pages write, with the CLI as the actor (it runs with the owner's privileges
 * and knows no signed-in user).
 */
const CLI_ACTOR = { id: "cli", roles: ["cli"] } as const;

async function cliAudit(action: string): Promise<TenantChangeHook> {
  const { tenantChangeAudit } = await import("@zhengyun/audit");
  return tenantChangeAudit(action, CLI_ACTOR, {});
}

export function checkSlug(slug: string, what = "slug"): string {
  const problem = slugProblem(slug);
  if (problem) throw new UsageError(`invalid ${what} "${slug}": ${problem}`);
  return slug;
}

interface CreateOptions {
  name: string;
  level: "city" | "district" | "street";
  parent?: string;
  domain?: string[];
}

export function registerTenantCommands(tenant: Command, ctx: CliContext): void {
  tenant
    .command("create")
    .description("provision a tenant: schema, role, template tables")
    .argument("<slug>", "lowercase a-z, 0-9 and hyphens, 3-40 characters")
    .requiredOption("--name <name>", "display name, e.g. 北京市东城区")
    .addOption(
      new Option("--level <level>", "administrative level")
        .choices(["city", "district", "street"])
        .makeOptionMandatory(),
    )
    .option("--parent <slug>", "the tenant one level up")
    .option("--domain <host...>", "host names that resolve to this tenant")
    .action(async (slug: string, o: CreateOptions) => {
      checkSlug(slug);
      if (o.parent) checkSlug(o.parent, "parent slug");
      if (ctx.plan) return;
      const { db } = await ctx.runtime();
      const { findTenantBySlug } = await import("@zhengyun/tenancy");
      const { provisionTenant } = await import("@zhengyun/tenancy/node");
      const existing = await findTenantBySlug(db, slug);
      if (existing && existing.status !== "provisioning") {
        throw new ConflictError(`tenant "${slug}" already exists (${existing.status})`);
      }
      const audit = await cliAudit("tenant.create");
      const t = await provisionTenant(
        db,
        {
          slug,
          name: o.name,
          level: o.level,
          domains: o.domain ?? [],
          ...(o.parent ? { parentSlug: o.parent } : {}),
        },
        { audit: (tx, created) => audit(tx, created, "provisioning") },
      );
      ctx.out(`created tenant ${t.slug} (${t.id}) ${t.name} ${t.level} ${t.status}`);
    });

  tenant
    .command("list")
    .description("list tenants")
    .option("--json", "print a JSON array")
    .action(async (o: { json?: boolean }) => {
      if (ctx.plan) return;
      const { db } = await ctx.runtime();
      const rows = await listRows(db);
      if (o.json) {
        ctx.out(JSON.stringify(rows, null, 2));
        return;
      }
      if (rows.length === 0) ctx.log("no tenants");
      for (const r of rows) {
        const extra = [r.parent && `parent=${r.parent}`, ...r.domains].filter(Boolean).join(" ");
        ctx.out(
          `${r.slug.padEnd(24)} ${r.level.padEnd(8)} ${r.status.padEnd(12)} ${r.name} ${extra}`,
        );
      }
    });

  for (const verb of ["suspend", "resume"] as const) {
    tenant
      .command(verb)
      .description(verb === "suspend" ? "suspend a tenant (423, data kept)" : "resume a tenant")
      .argument("<slug>")
      .action(async (slug: string) => {
        checkSlug(slug);
        if (ctx.plan) return;
        const { db } = await ctx.runtime();
        const tenancy = await import("@zhengyun/tenancy");
        const run = verb === "suspend" ? tenancy.suspendTenant : tenancy.resumeTenant;
        const t = await run(db, slug, new Date(), await cliAudit(`tenant.${verb}`));
        ctx.out(`${t.slug} ${t.status}`);
      });
  }
}

export interface TenantRow {
  id: string;
  slug: string;
  name: string;
  level: string;
  status: string;
  parent: string | null;
  domains: string[];
  createdAt: string;
}

async function listRows(db: Database): Promise<TenantRow[]> {
  const { listTenants, withPlatform } = await import("@zhengyun/tenancy");
  const { platformSchema } = await import("@zhengyun/db");
  const all = await listTenants(db);
  const domains = await withPlatform(db, (tx) => tx.select().from(platformSchema.tenantDomains));
  const slugOf = new Map(all.map((t) => [t.id, t.slug]));
  return all.map((t) => ({
    id: t.id,
    slug: t.slug,
    name: t.name,
    level: t.level,
    status: t.status,
    parent: t.parentId ? (slugOf.get(t.parentId) ?? null) : null,
    domains: domains.filter((d) => d.tenantId === t.id).map((d) => d.host),
    createdAt: t.createdAt.toISOString(),
  }));
}
