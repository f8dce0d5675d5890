import { ConflictError, newId, ValidationError } from "@zhengyun/core";
import { type Database, ensureRole, platformSchema, quoteIdent, type Tx } from "@zhengyun/db";
import type { Migration } from "@zhengyun/db/node";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { roleNameFor, schemaNameFor } from "./names.ts";
import { applyTemplateMigrationsIn } from "./template.ts";

const { tenants, tenantDomains } = platformSchema;
export type Tenant = platformSchema.Tenant;

const hostname = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/,
    {
      message: "not a valid host name",
    },
  );

export const provisionInput = z.object({
  slug: z.string(),
  name: z.string().trim().min(1).max(100),
  level: z.enum(["city", "district", "street"]),
  parentSlug: z.string().optional(),
  domains: z.array(hostname).max(20).default([]),
});
export type ProvisionInput = z.input<typeof provisionInput>;

function parse(input: ProvisionInput) {
  const r = provisionInput.safeParse(input);
  if (!r.success) {
    const issues = r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    throw new ValidationError(issues.map((i) => `${i.path}: ${i.message}`).join("; "), issues);
  }
  schemaNameFor(r.data.slug); // validates the slug
  return r.data;
}

/**
 * Creates a tenant: its row, role, schema and template tables, marked active, all in one transaction.
 * Idempotent: provisioning an existing tenant returns it; a row left `provisioning` is completed.
 * `upToIdx` stops at a template version and `activate: false` leaves the tenant provisioning (both
 * used when importing an export). `migrations` replaces the committed template (tests only).
 */
export async function provisionTenant(
  db: Database,
  input: ProvisionInput,
  opts: {
    upToIdx?: number;
    activate?: boolean;
    migrations?: readonly Migration[];
    /** Runs in the provisioning transaction once the tenant is active (the vendor's audit record). */
    audit?: (tx: Tx, tenant: Tenant) => Promise<void>;
  } = {},
): Promise<Tenant> {
  const data = parse(input);
  let parentId: string | null = null;
  if (data.parentSlug) {
    const [parent] = await db.orm.select().from(tenants).where(eq(tenants.slug, data.parentSlug));
    if (!parent) throw new ValidationError(`parent tenant "${data.parentSlug}" does not exist`);
    parentId = parent.id;
  }
  const schemaName = schemaNameFor(data.slug);
  const roleName = roleNameFor(db.rolePrefix, data.slug);

  // One transaction, one commit: a crash or a failing step leaves nothing behind (role and schema
  // creation are transactional in Postgres), and a tenant row left `provisioning` by an older,
  // step-by-step run is resumed here. Commits dominate provisioning time, so this is also the fast path.
  return db.orm.transaction(async (tx) => {
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtext(${`zhengyun:provision:${data.slug}`}))`,
    );
    await tx
      .insert(tenants)
      .values({
        id: newId("ten"),
        slug: data.slug,
        name: data.name,
        level: data.level,
        parentId,
        schemaName,
        roleName,
      })
      .onConflictDoNothing({ target: tenants.slug });
    const [tenant] = await tx.select().from(tenants).where(eq(tenants.slug, data.slug));
    if (!tenant) throw new Error("tenant row vanished during provisioning");
    if (tenant.status === "offboarded") {
      throw new ConflictError(`slug "${data.slug}" belonged to an offboarded tenant`);
    }
    if (tenant.status !== "provisioning") return tenant;

    for (const host of data.domains) {
      const inserted = await tx
        .insert(tenantDomains)
        .values({ host, tenantId: tenant.id })
        .onConflictDoNothing()
        .returning();
      if (inserted.length === 0) {
        const [owner] = await tx.select().from(tenantDomains).where(eq(tenantDomains.host, host));
        if (owner?.tenantId !== tenant.id)
          throw new ConflictError(`domain ${host} is already taken`);
      }
    }

    await ensureRole(tx, roleName);
    const schema = quoteIdent(schemaName);
    const role = quoteIdent(roleName);
    const ref = { id: tenant.id, slug: tenant.slug, schemaName, roleName };
    await applyTemplateMigrationsIn(tx, ref, {
      upToIdx: opts.upToIdx,
      migrations: opts.migrations,
      batch: db.driver === "postgres",
      prelude: [
        `create schema if not exists ${schema}`,
        `revoke all on schema ${schema} from public`,
        `grant usage on schema ${schema} to ${role}`,
        `alter default privileges in schema ${schema} grant select, insert, update, delete on tables to ${role}`,
        `alter default privileges in schema ${schema} grant usage, select on sequences to ${role}`,
      ],
    });

    if (opts.activate === false) return tenant;
    const [active] = await tx
      .update(tenants)
      .set({ status: "active", updatedAt: new Date() })
      .where(eq(tenants.id, tenant.id))
      .returning();
    const done = active ?? tenant;
    if (opts.audit) {
      await tx.execute(sql`select set_config('search_path', 'platform', true)`);
      await opts.audit(tx, done);
    }
    return done;
  });
}
