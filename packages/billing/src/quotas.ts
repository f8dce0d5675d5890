import { type Clock, systemClock } from "@zhengyun/core";
import { type Database, platformSchema, type Tx } from "@zhengyun/db";
import { enqueueNotification } from "@zhengyun/jobs";
import { withPlatform, withTenant } from "@zhengyun/tenancy";
import { and, eq, inArray, isNotNull, sql } from "drizzle-orm";
import { cmp, decimal, mul, type Ratio, ratio, toDecimal } from "./money.ts";
import { periodOf, shanghaiToday } from "./period.ts";
import { loadRunInputs } from "./run/load.ts";

const { quotaAlerts, memberships, users } = platformSchema;
const THRESHOLDS = [80, 100] as const;

export interface QuotaAlert {
  tenantId: string;
  meter: string;
  thresholdPct: number;
  quantity: string;
  included: string;
}

/** One meter's month-to-date use against the month's included allowance (summed over modules). */
export interface QuotaUse {
  tenantId: string;
  meter: string;
  used: Ratio;
  included: Ratio;
}

/** Month-to-date use vs allowance per tenant and meter (meters with an allowance only). */
async function quotaUses(
  tx: Tx,
  period: ReturnType<typeof periodOf>,
  today: string,
  tenantIds: string[] | null,
): Promise<QuotaUse[]> {
  const inp = await loadRunInputs(tx, period, tenantIds);
  const out: QuotaUse[] = [];
  for (const t of inp.tenants) {
    const modules = new Set(
      (inp.subscriptions.get(t.id) ?? [])
        .filter((s) => s.startsOn <= today && (s.endsOn === null || s.endsOn > today))
        .map((s) => s.module),
    );
    const included = new Map<string, Ratio>();
    for (const m of modules) {
      const v = (inp.versions.get(m) ?? []).find(
        (x) => x.effectiveFrom <= today && (x.effectiveTo === null || x.effectiveTo > today),
      );
      for (const r of v ? (inp.rules.get(v.id) ?? []) : []) {
        const inc = decimal(r.includedQuantity);
        const prev = included.get(r.meter) ?? ratio(0);
        included.set(r.meter, {
          num: prev.num * inc.den + inc.num * prev.den,
          den: prev.den * inc.den,
        });
      }
    }
    for (const [meter, inc] of included) {
      if (inc.num <= 0n) continue;
      const used = inp.usage.get(t.id)?.get(meter)?.quantity ?? ratio(0);
      out.push({ tenantId: t.id, meter, used, included: inc });
    }
  }
  return out;
}

/** A tenant's quotas this month (Asia/Shanghai), for its usage dashboard: used, included, percent. */
export async function tenantQuotas(
  db: Database,
  tenantId: string,
  clock: Clock = systemClock,
): Promise<{ meter: string; used: string; included: string; pct: number }[]> {
  const today = shanghaiToday(clock);
  const uses = await withPlatform(db, (tx) =>
    quotaUses(tx, periodOf(today.slice(0, 7)), today, [tenantId]),
  );
  return uses.map((u) => ({
    meter: u.meter,
    used: toDecimal(u.used),
    included: toDecimal(u.included),
    // For display only; the alert thresholds compare exactly.
    pct: (Number(toDecimal(u.used)) / Number(toDecimal(u.included))) * 100,
  }));
}

/**
 * Alerts tenant admins when a meter reaches 80% and 100% of the month's included allowance (the sum
 * over the tenant's subscribed modules). Once per tenant, meter, month and threshold: the
 * quota_alerts key is claimed first, and released if queueing the notification fails.
 */
export async function checkQuotas(
  db: Database,
  opts: { clock?: Clock; tenantIds?: string[] } = {},
): Promise<QuotaAlert[]> {
  const today = shanghaiToday(opts.clock ?? systemClock);
  const period = periodOf(today.slice(0, 7));
  const crossed = await withPlatform(db, async (tx) => {
    const found: QuotaAlert[] = [];
    for (const u of await quotaUses(tx, period, today, opts.tenantIds ?? null)) {
      for (const pct of THRESHOLDS) {
        if (cmp(mul(u.used, ratio(100)), mul(u.included, ratio(pct))) >= 0) {
          found.push({
            tenantId: u.tenantId,
            meter: u.meter,
            thresholdPct: pct,
            quantity: toDecimal(u.used),
            included: toDecimal(u.included),
          });
        }
      }
    }
    if (found.length === 0) return [];
    const claimed = await tx
      .insert(quotaAlerts)
      .values(
        found.map((f) => ({
          tenantId: f.tenantId,
          meter: f.meter,
          period: period.start,
          thresholdPct: f.thresholdPct,
        })),
      )
      .onConflictDoNothing()
      .returning();
    const key = (x: { tenantId: string; meter: string; thresholdPct: number }) =>
      `${x.tenantId}|${x.meter}|${x.thresholdPct}`;
    const fresh = new Set(claimed.map(key));
    return found.filter((f) => fresh.has(key(f)));
  });
  for (const [tenantId, alerts] of groupBy(crossed)) {
    try {
      await notifyAdmins(db, tenantId, alerts);
    } catch (e) {
      await withPlatform(db, (tx) =>
        tx.delete(quotaAlerts).where(
          and(
            eq(quotaAlerts.tenantId, tenantId),
            eq(quotaAlerts.period, period.start),
            inArray(
              sql`${quotaAlerts.meter} || '|' || ${quotaAlerts.thresholdPct}`,
              alerts.map((a) => `${a.meter}|${a.thresholdPct}`),
            ),
          ),
        ),
      );
      throw e;
    }
  }
  return crossed;
}

const groupBy = (alerts: QuotaAlert[]) => {
  const m = new Map<string, QuotaAlert[]>();
  for (const a of alerts) m.set(a.tenantId, [...(m.get(a.tenantId) ?? []), a]);
  return m;
};

async function notifyAdmins(db: Database, tenantId: string, alerts: QuotaAlert[]): Promise<void> {
  const { admins, tenant } = await withPlatform(db, async (tx) => ({
    admins: await tx
      .select({ email: users.email })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(
        and(
          eq(memberships.tenantId, tenantId),
          eq(memberships.role, "tenant_admin"),
          isNotNull(users.email),
        ),
      ),
    tenant: (
      await tx.select().from(platformSchema.tenants).where(eq(platformSchema.tenants.id, tenantId))
    )[0],
  }));
  if (!tenant || admins.length === 0) return;
  const body = alerts
    .map((a) => `${a.meter}: 已用 ${a.quantity} / 包含 ${a.included}（${a.thresholdPct}%）`)
    .join("\n");
  await withTenant(db, tenant, async (tx) => {
    for (const a of admins) {
      await enqueueNotification(tx, {
        channel: "email",
        recipient: a.email ?? "",
        subject: "用量提醒：已达套餐包含量阈值",
        body,
      });
    }
  });
}
