import { platformSchema, query, type Tx } from "@zhengyun/db";
import { sql } from "drizzle-orm";
import { decimal, mul, type Ratio, ratio } from "../money.ts";
import type { Period } from "../period.ts";

const GIB = 1n << 30n;

export interface MeterUsage {
  quantity: Ratio;
  unit: string;
}

/**
 * Billable quantity per tenant and meter for a period, from the rollups only (usage_daily and
 * usage_monthly_uniques), in one aggregate each. sum: Σ quantity; count: Σ events; max: max;
 * latest: Σ daily last readings ÷ days in month (unit-months; bytes are billed as GiB-months);
 * unique_count: distinct keys of the month.
 */
export async function usageByTenant(
  tx: Tx,
  p: Period,
  tenantIds: string[] | null,
): Promise<Map<string, Map<string, MeterUsage>>> {
  const only =
    tenantIds === null ? sql`true` : sql`d.tenant_id = any(${pgArray(tenantIds)}::text[])`;
  const daily = await query<{
    tenant_id: string;
    meter: string;
    aggregation: string;
    unit: string;
    q: string;
  }>(
    tx,
    sql`select d.tenant_id, d.meter, m.aggregation, m.unit,
          (case m.aggregation
            when 'sum' then sum(d.quantity)
            when 'count' then sum(d.events)
            when 'max' then max(d.max_quantity)
            when 'latest' then sum(d.latest_quantity)
          end)::text as q
        from ${platformSchema.usageDaily} d join ${platformSchema.meters} m on m.code = d.meter
        where d.day >= ${p.start}::date and d.day < ${p.end}::date and m.aggregation <> 'unique_count'
          and ${only}
        group by 1, 2, 3, 4`,
  );
  const onlyU =
    tenantIds === null ? sql`true` : sql`u.tenant_id = any(${pgArray(tenantIds)}::text[])`;
  const uniques = await query<{ tenant_id: string; meter: string; q: string }>(
    tx,
    sql`select u.tenant_id, u.meter, count(*)::text as q from ${platformSchema.usageMonthlyUniques} u
        where u.month = ${p.start}::date and ${onlyU} group by 1, 2`,
  );
  const out = new Map<string, Map<string, MeterUsage>>();
  const put = (tenant: string, meter: string, u: MeterUsage) => {
    const m = out.get(tenant) ?? new Map<string, MeterUsage>();
    m.set(meter, u);
    out.set(tenant, m);
  };
  for (const r of daily) {
    let q = decimal(r.q ?? "0");
    let unit = r.unit;
    if (r.aggregation === "latest") {
      q = mul(q, ratio(1, p.days));
      if (r.unit === "byte") {
        q = mul(q, ratio(1n, GIB));
        unit = "GiB-month";
      } else unit = `${r.unit}-month`;
    }
    put(r.tenant_id, r.meter, { quantity: q, unit });
  }
  for (const r of uniques) put(r.tenant_id, r.meter, { quantity: decimal(r.q), unit: "user" });
  return out;
}

/** A text[] literal for `= any(...)`: one parameter however many ids. */
export const pgArray = (xs: string[]): string =>
  `{${xs.map((x) => `"${x.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`).join(",")}}`;
