import { PreconditionFailedError } from "@zhengyun/core";
import type { platformSchema } from "@zhengyun/db";
import { monthlyRenewal } from "../equipment.ts";
import { discounted, prorate, type Ratio, ratio, roundHalfUp, taxOf, toDecimal } from "../money.ts";
import { priceOverage } from "../overage.ts";
import { dayOffset, type Period } from "../period.ts";
import type { RunInputs } from "./load.ts";

export interface DraftLine {
  kind: platformSchema.InvoiceLineKind;
  description: string;
  quantity: string;
  unitPriceFen: string;
  amountFen: number;
  taxCategory: string;
  taxRateBp: number;
  taxFen: number;
  module: string | null;
  meter: string | null;
  equipmentId: string | null;
  details: Record<string, unknown>;
}

type Line = Omit<DraftLine, "taxRateBp" | "taxFen">;

/** The tax rate of a category in force on the period's first day. */
export function rateOn(rates: platformSchema.TaxRate[], category: string, day: string): number {
  const r = rates.find(
    (x) =>
      x.category === category &&
      x.effectiveFrom <= day &&
      (x.effectiveTo === null || x.effectiveTo > day),
  );
  if (!r) throw new PreconditionFailedError(`No ${category} tax rate in force on ${day}`);
  return r.rateBp;
}

const lastDay = (p: Period, end: number) => {
  const d = new Date(`${p.start}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + end - 1);
  return d.toISOString().slice(0, 10);
};
const firstDay = (p: Period, start: number) => {
  const d = new Date(`${p.start}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + start);
  return d.toISOString().slice(0, 10);
};

/** One tenant's draft lines for the period, in a stable order (deterministic re-runs). */
export function computeLines(inp: RunInputs, tenant: platformSchema.Tenant): DraftLine[] {
  const p = inp.period;
  const lines: Line[] = [];
  const contract = (inp.contracts.get(tenant.id) ?? []).sort((a, b) =>
    a.startsOn < b.startsOn ? 1 : -1,
  )[0];
  const subs = [...(inp.subscriptions.get(tenant.id) ?? [])].sort((a, b) =>
    a.module === b.module ? (a.startsOn < b.startsOn ? -1 : 1) : a.module < b.module ? -1 : 1,
  );
  // A suspended tenant stops accruing rental from its suspension day if the contract says so.
  const suspendedFrom =
    tenant.status === "suspended" &&
    tenant.suspendedAt &&
    contract &&
    !contract.accrueWhileSuspended
      ? dayOffset(
          p,
          new Date(tenant.suspendedAt.getTime() + 8 * 3600_000).toISOString().slice(0, 10),
        )
      : p.days;

  for (const sub of subs) {
    const mod = inp.modules.get(sub.module);
    const cm = contract?.modules.find((m) => m.module === sub.module);
    const discountBp = cm?.discountBp ?? contract?.discountBp ?? 0;
    const a = dayOffset(p, sub.startsOn);
    const b = Math.min(dayOffset(p, sub.endsOn), suspendedFrom);
    for (const v of inp.versions.get(sub.module) ?? []) {
      const from = Math.max(a, dayOffset(p, v.effectiveFrom));
      const to = Math.min(b, dayOffset(p, v.effectiveTo));
      if (to <= from) continue;
      const listed = {
        city: v.rentalCityFen,
        district: v.rentalDistrictFen,
        street: v.rentalStreetFen,
      }[sub.priceLevel];
      const monthly = ratio(cm?.monthlyFenOverride ?? listed);
      const price = discounted(monthly, discountBp);
      const amount = prorate(price, from, to, p.days);
      lines.push({
        kind: "rental",
        description: `${mod?.nameZh ?? sub.module} 租金 ${firstDay(p, from)} 至 ${lastDay(p, to)}`,
        quantity: toDecimal(ratio(to - from, p.days)),
        unitPriceFen: String(monthly.num),
        amountFen: amount,
        taxCategory: mod?.taxCategory ?? "it_services",
        module: sub.module,
        meter: null,
        equipmentId: null,
        details: {
          subscriptionId: sub.id,
          priceVersion: v.version,
          priceLevel: sub.priceLevel,
          days: to - from,
          daysInMonth: p.days,
          discountBp,
        },
      });
    }
  }
  lines.push(...usageLines(inp, tenant, subs, contract?.discountBp ?? 0));
  for (const e of [...(inp.equipment.get(tenant.id) ?? [])].sort((x, y) =>
    x.serial < y.serial ? -1 : 1,
  )) {
    const from = dayOffset(p, e.installedOn);
    const to = dayOffset(p, e.retiredOn);
    if (to <= from) continue;
    const monthly = monthlyRenewal(e);
    lines.push({
      kind: "equipment",
      description: `设备更新费 ${e.item}（${e.serial}，${e.location}）`,
      quantity: toDecimal(ratio(to - from, p.days)),
      unitPriceFen: toDecimal(monthly),
      amountFen: prorate(monthly, from, to, p.days),
      taxCategory: e.taxCategory,
      module: null,
      meter: null,
      equipmentId: e.id,
      details: {
        serial: e.serial,
        days: to - from,
        daysInMonth: p.days,
        cycleMonths: e.renewalCycleMonths,
      },
    });
  }
  for (const c of [...(inp.charges.get(tenant.id) ?? [])].sort((x, y) => (x.id < y.id ? -1 : 1))) {
    lines.push({
      kind: c.kind,
      description: c.description,
      quantity: "1",
      unitPriceFen: String(c.amountFen),
      amountFen: c.amountFen,
      taxCategory: c.taxCategory,
      module: null,
      meter: null,
      equipmentId: null,
      details: { chargeId: c.id, feeCode: c.feeCode },
    });
  }
  return lines.map((l) => {
    const taxRateBp = rateOn(inp.taxRates, l.taxCategory, p.start);
    return { ...l, taxRateBp, taxFen: taxOf(l.amountFen, taxRateBp) };
  });
}

/**
 * Usage overage per meter priced by the subscribed modules' rules in force on the period's last
 * day. A meter priced by several modules gets their allowances added and the first module's price.
 */
function usageLines(
  inp: RunInputs,
  tenant: platformSchema.Tenant,
  subs: platformSchema.Subscription[],
  discountBp: number,
): Line[] {
  const last = lastDay(inp.period, inp.period.days);
  const byMeter = new Map<
    string,
    { module: string; rule: platformSchema.PriceMeterRule; included: Ratio }
  >();
  for (const module of [...new Set(subs.map((x) => x.module))].sort()) {
    const v = (inp.versions.get(module) ?? []).find(
      (x) => x.effectiveFrom <= last && (x.effectiveTo === null || x.effectiveTo > last),
    );
    for (const rule of v ? (inp.rules.get(v.id) ?? []) : []) {
      const seen = byMeter.get(rule.meter);
      const inc = { num: BigInt(Math.round(Number(rule.includedQuantity) * 1e6)), den: 1_000_000n };
      if (seen)
        seen.included = {
          num: seen.included.num * inc.den + inc.num * seen.included.den,
          den: seen.included.den * inc.den,
        };
      else byMeter.set(rule.meter, { module, rule, included: inc });
    }
  }
  const usage = inp.usage.get(tenant.id);
  const out: Line[] = [];
  for (const [meter, { module, rule, included }] of [...byMeter].sort(([x], [y]) =>
    x < y ? -1 : 1,
  )) {
    const u = usage?.get(meter);
    const quantity = u?.quantity ?? ratio(0);
    const o = priceOverage({ ...rule, includedQuantity: toDecimal(included) }, quantity);
    const m = inp.meters.get(meter);
    const amount = roundHalfUp(discounted(o.amount, discountBp));
    out.push({
      kind: "usage",
      description: `${m?.nameZh ?? meter} 超额用量`,
      quantity: o.billable,
      unitPriceFen: o.unitPriceFen,
      amountFen: amount,
      taxCategory: inp.modules.get(module)?.taxCategory ?? "it_services",
      module,
      meter,
      equipmentId: null,
      details: {
        quantity: toDecimal(quantity),
        unit: u?.unit ?? m?.unit ?? "",
        included: o.included,
        billable: o.billable,
        model: rule.model,
        tiers: o.tiers,
        discountBp,
      },
    });
  }
  return out;
}
