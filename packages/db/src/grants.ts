import { sql } from "drizzle-orm";
import { type Database, type Executor, ident, lockPlatformDdl, query } from "./database.ts";

type Privilege = "select" | "insert" | "update" | "delete";

/**
 * What the request path's runtime role may do in the control plane, table by table. It owns
 * nothing; audit rows can be appended and read, never changed. Later modules add their tables here.
 */
export const platformGrants: Record<string, Privilege[]> = {
  tenants: ["select"],
  tenant_domains: ["select"],
  audit_log: ["select", "insert"],
  usage_events: ["select", "insert"],
  // Metering (packages/metering): ingestion, rollups and reads are request-path work.
  meters: ["select"],
  usage_event_keys: ["select", "insert", "delete"],
  usage_hourly: ["select", "insert", "update"],
  usage_daily: ["select", "insert", "update"],
  usage_monthly_uniques: ["select", "insert", "update"],
  usage_closed: ["select", "insert", "update"],
  // Identity (packages/auth): sign-in, sessions and keys are request-path work.
  users: ["select", "insert", "update"],
  memberships: ["select", "insert", "delete"],
  password_credentials: ["select", "insert", "update"],
  totp_credentials: ["select", "insert", "update", "delete"],
  recovery_codes: ["select", "insert", "update", "delete"],
  sign_in_failures: ["select", "insert", "update", "delete"],
  sessions: ["select", "insert", "update", "delete"],
  api_keys: ["select", "insert", "update"],
  support_grants: ["select", "insert", "update"],
  // Billing (packages/billing): catalog, contracts, runs, review, payments run on the request path.
  tax_categories: ["select"],
  tax_rates: ["select", "insert", "update"],
  billing_modules: ["select"],
  one_off_fees: ["select"],
  price_versions: ["select", "insert", "update"],
  price_meter_rules: ["select", "insert", "delete"],
  contracts: ["select", "insert", "update"],
  contract_modules: ["select", "insert", "update", "delete"],
  subscriptions: ["select", "insert", "update"],
  equipment: ["select", "insert", "update"],
  tenant_charges: ["select", "insert"],
  quota_alerts: ["select", "insert"],
  billing_runs: ["select", "insert"],
  invoices: ["select", "insert", "update", "delete"],
  invoice_lines: ["select", "insert", "update", "delete"],
  invoice_adjustments: ["select", "insert"],
  numbering_counters: ["select", "insert", "update"],
  credit_notes: ["select", "insert", "update"],
  credit_note_lines: ["select", "insert"],
  payments: ["select", "insert"],
  stripe_customers: ["select", "insert"],
  stripe_events: ["select", "insert"],
  payment_reminders: ["select", "insert", "delete"],
};

/** Tables in every tenant schema that the tenant role may append to and read, never change. */
export const tenantAppendOnly = ["audit_log"];

async function ensureRole(exec: Executor, role: string): Promise<void> {
  const exists = await query(exec, sql`select 1 from pg_roles where rolname = ${role}`);
  if (exists.length === 0) {
    // LOGIN without a password: nobody can sign in with it, but Citus can open worker
    // connections as it (it refuses NOLOGIN roles there).
    await exec.execute(sql`create role ${ident(role)} login`);
  }
  // A non-superuser owner needs membership to SET ROLE; harmless for a superuser.
  await exec.execute(sql`grant ${ident(role)} to current_user`);
}

export async function ensureRuntimeRole(db: Database): Promise<void> {
  const role = ident(db.runtimeRole);
  await db.orm.transaction(async (tx) => {
    await lockPlatformDdl(tx);
    await ensureRole(tx, db.runtimeRole);
    await tx.execute(sql`revoke all on all tables in schema platform from ${role}`);
    await tx.execute(sql`grant usage on schema platform to ${role}`);
    for (const [table, privs] of Object.entries(platformGrants)) {
      await tx.execute(
        sql.raw(`grant ${privs.join(", ")} on platform.${table} to ${db.runtimeRole}`),
      );
    }
    await tx.execute(sql`grant usage on all sequences in schema platform to ${role}`);
  });
}

export { ensureRole };
