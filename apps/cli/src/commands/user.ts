import type { AuthAuditEvent } from "@zhengyun/auth";
import type { Tx } from "@zhengyun/db";
import type { Command } from "commander";
import type { CliContext } from "../context.ts";
import { UsageError } from "../errors.ts";
import { checkSlug } from "./tenant.ts";

const VENDOR_ROLES = ["operator", "finance", "security_admin", "audit_admin"];
const STAFF_ROLES = [
  ...VENDOR_ROLES,
  "tenant_admin",
  "tenant_security_admin",
  "tenant_auditor",
  "portal_editor",
  "case_officer",
  "mi_officer",
  "community_agent",
];
/** Roles that must use a second factor: they get a TOTP enrolment at creation. */
const TOTP_ROLES = [...VENDOR_ROLES, "tenant_admin"];

/** Creating accounts and keys is a vendor action: the record goes to the vendor's chain. */
export const vendorAudit = async (tx: Tx, e: AuthAuditEvent) => {
  const { writeAudit } = await import("@zhengyun/audit");
  await writeAudit(tx, { ...e, actorRole: "cli", data: { ...e.data, via: "cli" } });
};

/** The tenant a slug names, or a usage error. */
export async function tenantIdOf(ctx: CliContext, slug: string): Promise<string> {
  const { db } = await ctx.runtime();
  const { findTenantBySlug } = await import("@zhengyun/tenancy");
  const t = await findTenantBySlug(db, checkSlug(slug, "tenant"));
  if (!t) throw new UsageError(`no tenant "${slug}"`);
  return t.id;
}

interface CreateOptions {
  email: string;
  role: string;
  tenant?: string;
  name?: string;
}

export function registerUserCommands(program: Command, ctx: CliContext): void {
  const user = program.command("user").description("staff accounts");
  user
    .command("create")
    .description("create a staff account with a generated password (printed on the last line)")
    .requiredOption("--email <email>", "sign-in email")
    .requiredOption("--role <role>", STAFF_ROLES.join(", "))
    .option("--tenant <slug>", "the tenant (tenant roles only)")
    .option("--name <name>", "display name (default: the email)")
    .action(async (o: CreateOptions) => {
      if (!STAFF_ROLES.includes(o.role)) {
        throw new UsageError(`unknown role "${o.role}"; one of ${STAFF_ROLES.join(", ")}`);
      }
      const vendor = VENDOR_ROLES.includes(o.role);
      if (vendor && o.tenant) throw new UsageError(`${o.role} is a vendor role: drop --tenant`);
      if (!vendor && !o.tenant) throw new UsageError(`${o.role} needs --tenant`);
      if (ctx.plan) return;
      const rt = await ctx.runtime();
      const { createUser, enrollTotp, generatePassword } = await import("@zhengyun/auth");
      const tenantId = o.tenant ? await tenantIdOf(ctx, o.tenant) : null;
      const authCtx = { db: rt.db, audit: vendorAudit, secretKey: rt.secrets.sessionSecret };
      const password = generatePassword();
      const u = await createUser({
        ctx: authCtx,
        input: {
          login: o.email,
          password,
          role: o.role,
          tenantId,
          ...(o.name ? { displayName: o.name } : {}),
        },
      });
      ctx.out(`created ${u.id} ${u.email ?? o.email} ${o.role} ${o.tenant ?? "(vendor)"}`);
      if (TOTP_ROLES.includes(o.role)) {
        const { uri } = await enrollTotp({ ctx: authCtx, input: { userId: u.id } });
        ctx.log(`second factor required: add this to an authenticator app, then sign in`);
        ctx.log(uri);
      }
      ctx.out(password);
    });
}
