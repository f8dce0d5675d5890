import type { Database } from "@zhengyun/db";
import { platformSchema, query, type Tx } from "@zhengyun/db";
import { lateEvents } from "@zhengyun/metering";
import { and, gt, gte, inArray, isNull, lt, ne, or, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { type Period, previousPeriod } from "../period.ts";
import { type MeterUsage, pgArray, usageByTenant } from "./usage.ts";

const s = platformSchema;

export type ContractWithModules = platformSchema.Contract & {
  modules: (typeof s.contractModules.$inferSelect)[];
};

/** Everything one run needs, loaded set-based (a handful of queries whatever the tenant count). */
export interface RunInputs {
  period: Period;
  tenants: platformSchema.Tenant[];
  contracts: Map<string, ContractWithModules[]>;
  subscriptions: Map<string, platformSchema.Subscription[]>;
  /** Subscriptions overlapping the previous period (modules added/removed flags). */
  previousModules: Map<string, Set<string>>;
  versions: Map<string, platformSchema.PriceVersion[]>;
  rules: Map<string, platformSchema.PriceMeterRule[]>;
  modules: Map<string, typeof s.billingModules.$inferSelect>;
  meters: Map<string, platformSchema.Meter>;
  taxRates: platformSchema.TaxRate[];
  equipment: Map<string, platformSchema.Equipment[]>;
  charges: Map<string, platformSchema.TenantCharge[]>;
  usage: Map<string, Map<string, MeterUsage>>;
  previousUsage: Map<string, Map<string, MeterUsage>>;
  previousTotals: Map<string, number>;
  /** Live invoices of the period: drafts are replaced, others left alone. */
  existing: Map<string, { id: string; status: platformSchema.InvoiceStatus }>;
}

const group = <T, K>(rows: T[], key: (r: T) => K): Map<K, T[]> => {
  const m = new Map<K, T[]>();
  for (const r of rows) m.set(key(r), [...(m.get(key(r)) ?? []), r]);
  return m;
};

const overlapsPeriod = (from: AnyPgColumn, to: AnyPgColumn, a: string, b: string) =>
  and(lt(from, b), or(isNull(to), gt(to, a)));

export async function loadRunInputs(
  tx: Tx,
  period: Period,
  tenantIds: string[] | null,
): Promise<RunInputs> {
  const prev = previousPeriod(period);
  const only = (col: AnyPgColumn) => (tenantIds === null ? sql`true` : inArray(col, tenantIds));
  const tenants = await tx
    .select()
    .from(s.tenants)
    .where(and(inArray(s.tenants.status, ["active", "suspended"]), only(s.tenants.id)));
  const contracts = await tx
    .select()
    .from(s.contracts)
    .where(
      and(
        overlapsPeriod(s.contracts.startsOn, s.contracts.endsOn, period.start, period.end),
        only(s.contracts.tenantId),
      ),
    );
  const cms = contracts.length
    ? await tx
        .select()
        .from(s.contractModules)
        .where(
          inArray(
            s.contractModules.contractId,
            contracts.map((c) => c.id),
          ),
        )
    : [];
  const cmBy = group(cms, (m) => m.contractId);
  const subs = await tx
    .select()
    .from(s.subscriptions)
    .where(
      and(
        overlapsPeriod(s.subscriptions.startsOn, s.subscriptions.endsOn, prev.start, period.end),
        only(s.subscriptions.tenantId),
      ),
    );
  const inPeriod = subs.filter(
    (x) => x.startsOn < period.end && (x.endsOn === null || x.endsOn > period.start),
  );
  const previousModules = new Map<string, Set<string>>();
  for (const x of subs) {
    if (x.startsOn < prev.end && (x.endsOn === null || x.endsOn > prev.start)) {
      previousModules.set(x.tenantId, (previousModules.get(x.tenantId) ?? new Set()).add(x.module));
    }
  }
  const versions = await tx
    .select()
    .from(s.priceVersions)
    .where(
      overlapsPeriod(
        s.priceVersions.effectiveFrom,
        s.priceVersions.effectiveTo,
        period.start,
        period.end,
      ),
    );
  const rules = versions.length
    ? await tx
        .select()
        .from(s.priceMeterRules)
        .where(
          inArray(
            s.priceMeterRules.priceVersionId,
            versions.map((v) => v.id),
          ),
        )
    : [];
  const equipment = await tx
    .select()
    .from(s.equipment)
    .where(
      and(
        lt(s.equipment.installedOn, period.end),
        or(isNull(s.equipment.retiredOn), gt(s.equipment.retiredOn, period.start)),
        only(s.equipment.tenantId),
      ),
    );
  const charges = await tx
    .select()
    .from(s.tenantCharges)
    .where(
      and(
        gte(s.tenantCharges.chargeOn, period.start),
        lt(s.tenantCharges.chargeOn, period.end),
        only(s.tenantCharges.tenantId),
      ),
    );
  const live = await tx
    .select({
      id: s.invoices.id,
      tenantId: s.invoices.tenantId,
      period: s.invoices.period,
      status: s.invoices.status,
      totalFen: s.invoices.totalFen,
    })
    .from(s.invoices)
    .where(
      and(
        inArray(s.invoices.period, [period.start, prev.start]),
        ne(s.invoices.status, "void"),
        only(s.invoices.tenantId),
      ),
    );
  return {
    period,
    tenants,
    contracts: group(
      contracts.map((c) => ({ ...c, modules: cmBy.get(c.id) ?? [] })),
      (c) => c.tenantId,
    ),
    subscriptions: group(inPeriod, (x) => x.tenantId),
    previousModules,
    versions: group(versions, (v) => v.module),
    rules: group(rules, (r) => r.priceVersionId),
    modules: new Map((await tx.select().from(s.billingModules)).map((m) => [m.code, m])),
    meters: new Map((await tx.select().from(s.meters)).map((m) => [m.code, m])),
    taxRates: await tx.select().from(s.taxRates),
    equipment: group(equipment, (e) => e.tenantId),
    charges: group(charges, (c) => c.tenantId),
    usage: await usageByTenant(tx, period, tenantIds),
    previousUsage: await usageByTenant(tx, prev, tenantIds),
    previousTotals: new Map(
      live.filter((i) => i.period === prev.start).map((i) => [i.tenantId, i.totalFen]),
    ),
    existing: new Map(
      live
        .filter((i) => i.period === period.start)
        .map((i) => [i.tenantId, { id: i.id, status: i.status }]),
    ),
  };
}

/**
 * Late events per tenant for the period. Only a tenant whose usage was closed past the period's
 * start can have any, so metering's lateEvents is asked for those few tenants only.
 */
export async function lateCounts(
  db: Database,
  tx: Tx,
  period: Period,
  tenantIds: string[],
): Promise<Map<string, number>> {
  if (tenantIds.length === 0) return new Map();
  const closed = await query<{ tenant_id: string }>(
    tx,
    sql`select tenant_id from ${s.usageClosed}
        where closed_through > ${period.startAt.toISOString()}::timestamptz
          and tenant_id = any(${pgArray(tenantIds)}::text[])`,
  );
  const out = new Map<string, number>();
  for (const { tenant_id } of closed) {
    const late = await lateEvents(db, {
      tenantId: tenant_id,
      from: period.startAt,
      to: period.endAt,
    });
    if (late.length > 0) out.set(tenant_id, late.length);
  }
  return out;
}
