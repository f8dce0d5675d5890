import { newId } from "@zhengyun/core";
import { type Database, platformSchema as p } from "@zhengyun/db";

export interface LineSpec {
  kind?: "rental" | "usage" | "equipment" | "one_off" | "adjustment";
  description?: string;
  amountFen: number;
  taxRateBp?: number;
  module?: string | null;
}

const tax = (amount: number, bp: number) => Math.floor((amount * bp + 5000) / 10_000);

/**
 * A draft invoice as an invoice run leaves it (rows written directly: these suites test review,
 * issue and payment, not the run). Tax per line half-up, totals the sums of lines.
 */
export async function makeDraft(
  db: Database,
  tenantId: string,
  period: string,
  lines: LineSpec[],
): Promise<{ id: string; lineIds: string[] }> {
  const id = newId("inv");
  const rows = lines.map((l, i) => {
    const rate = l.taxRateBp ?? 600;
    return {
      id: newId("inl"),
      invoiceId: id,
      position: i + 1,
      kind: l.kind ?? "rental",
      description: l.description ?? `政务服务模块租用费 ${i + 1}`,
      quantity: "1",
      unitPriceFen: String(l.amountFen),
      amountFen: l.amountFen,
      taxCategory: rate === 1300 ? "equipment_leasing" : "it_services",
      taxRateBp: rate,
      taxFen: tax(l.amountFen, rate),
      module: l.module === undefined ? "portal" : l.module,
    };
  });
  const subtotal = rows.reduce((s, r) => s + r.amountFen, 0);
  const taxSum = rows.reduce((s, r) => s + r.taxFen, 0);
  await db.orm.transaction(async (tx) => {
    await tx.insert(p.invoices).values({
      id,
      tenantId,
      period,
      subtotalFen: subtotal,
      taxFen: taxSum,
      totalFen: subtotal + taxSum,
    });
    await tx.insert(p.invoiceLines).values(rows);
  });
  return { id, lineIds: rows.map((r) => r.id) };
}

export const FINANCE = { actorId: "usr_finance_test", actorRole: "finance" };
