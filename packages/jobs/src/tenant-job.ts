import type { Database, Tx } from "@zhengyun/db";
import { withTenant } from "@zhengyun/tenancy";
import type { Logger } from "./logger.ts";
import type { JobContext, JobDefinition } from "./queue.ts";
import { type Tenant, tenantById } from "./tenants.ts";

/** Every tenant job names its tenant in its payload; nothing reads a "current tenant". */
export type TenantPayload<T extends object = object> = T & { tenantId: string };

export interface TenantJobDefinition<T extends object> extends Omit<JobDefinition, "handler"> {
  /** What to do for a suspended tenant: skip (default) or run anyway (e.g. data exports). */
  whenSuspended?: "skip" | "run";
  handler: (tx: Tx, data: TenantPayload<T>, ctx: JobContext & { tenant: Tenant }) => Promise<void>;
}

/**
 * Wraps a tenant job: resolves the tenant row from the payload, skips (and logs) offboarded or
 * unknown tenants and, by policy, suspended ones, and runs the handler inside withTenant.
 */
export function tenantJob<T extends object>(
  db: Database,
  logger: Logger,
  def: TenantJobDefinition<T>,
): JobDefinition<TenantPayload<T>> {
  const { whenSuspended = "skip", handler, ...rest } = def;
  return {
    ...rest,
    async handler(data, ctx) {
      if (typeof data?.tenantId !== "string") {
        logger.error({ job: ctx.name, jobId: ctx.id }, "tenant job without tenantId: dropped");
        return;
      }
      const tenant = await tenantById(db, data.tenantId);
      const skip = (reason: string) =>
        logger.warn(
          { job: ctx.name, jobId: ctx.id, tenantId: data.tenantId, reason },
          "job skipped",
        );
      if (!tenant) return skip("unknown tenant");
      if (tenant.status === "offboarded") return skip("tenant offboarded");
      if (tenant.status === "suspended" && whenSuspended === "skip")
        return skip("tenant suspended");
      // Still being provisioned: throw, so pg-boss retries once the schema is ready.
      if (tenant.status === "provisioning")
        throw new Error(`tenant ${tenant.slug} is provisioning`);
      await withTenant(db, tenant, (tx) => handler(tx, data, { ...ctx, tenant }));
    },
  };
}
