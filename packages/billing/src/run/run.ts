import { writeAudit } from "@zhengyun/audit";
import { type Clock, newId, systemClock } from "@zhengyun/core";
import { type Database, platformSchema, type Tx } from "@zhengyun/db";
import { withPlatform } from "@zhengyun/tenancy";
import { and, eq, inArray, sql } from "drizzle-orm";
import { type Actor, loadTenant } from "../actor.ts";
import { lockKey } from "../catalog.ts";
import { endedPeriod } from "../period.ts";
import { computeLines, type DraftLine } from "./compute.ts";
import { anomalyFlags, type Flag } from "./flags.ts";
import { lateCounts, loadRunInputs } from "./load.ts";

const { invoices, invoiceLines, billingRuns } = platformSchema;

/** One draft as `pnpm cli billing run --json` prints it (issue 5). */
export interface RunDraft {
  tenant: string;
  invoice_id: string;
  status: "draft";
  lines: {
    kind: DraftLine["kind"];
    description: string;
    quantity: number;
    amount_fen: number;
    tax_fen: number;
  }[];
  subtotal_fen: number;
  tax_fen: number;
  total_fen: number;
}

export interface RunResult {
  runId: string;
  period: string;
  drafts: RunDraft[];
  flags: Record<string, Flag[]>;
  /** Tenants left alone because their invoice for the period is approved or issued. */
  skipped: { tenant: string; invoiceId: string; status: string }[];
}

const CHUNK = 5_000;

/**
 * Drafts one invoice per billable tenant for an ended period, from the catalog, contracts,
 * subscriptions, equipment, pending charges and the metering rollups. Deterministic and
 * idempotent: a re-run replaces the period's drafts (keeping their ids) in one transaction and
 * never touches an approved or issued invoice.
 */
export async function runBilling(
  db: Database,
  opts: { period: string; clock?: Clock; tenant?: string; actor?: Actor },
): Promise<RunResult> {
  const clock = opts.clock ?? systemClock;
  const period = endedPeriod(opts.period, clock);
  const startedAt = clock.now();
  return withPlatform(db, async (tx) => {
    // One run per period at a time; concurrent runs would race on replacing drafts.
    await lockKey(tx, `run:${period.start}`);
    const only = opts.tenant ? [(await loadTenant(tx, opts.tenant)).id] : null;
    const inp = await loadRunInputs(tx, period, only);
    const billable = inp.tenants.sort((a, b) => (a.slug < b.slug ? -1 : 1));
    const late = await lateCounts(
      db,
      tx,
      period,
      billable.map((t) => t.id),
    );
    const runId = newId("run");
    const result: RunResult = { runId, period: period.key, drafts: [], flags: {}, skipped: [] };
    const rows: (typeof invoices.$inferInsert)[] = [];
    const lineRows: (typeof invoiceLines.$inferInsert)[] = [];
    for (const t of billable) {
      const existing = inp.existing.get(t.id);
      if (existing && existing.status !== "draft") {
        result.skipped.push({ tenant: t.slug, invoiceId: existing.id, status: existing.status });
        continue;
      }
      const lines = computeLines(inp, t);
      if (lines.length === 0) continue;
      const id = existing?.id ?? newId("inv");
      const subtotal = lines.reduce((s, l) => s + l.amountFen, 0);
      const tax = lines.reduce((s, l) => s + l.taxFen, 0);
      const flags = anomalyFlags(inp, t.id, lines, subtotal + tax, late.get(t.id) ?? 0);
      rows.push({
        id,
        tenantId: t.id,
        period: period.start,
        status: "draft",
        subtotalFen: subtotal,
        taxFen: tax,
        totalFen: subtotal + tax,
        flags,
        runId,
      });
      for (const [i, l] of lines.entries()) {
        lineRows.push({ id: `${id}_${i + 1}`, invoiceId: id, position: i + 1, ...l });
      }
      result.flags[t.slug] = flags;
      result.drafts.push({
        tenant: t.slug,
        invoice_id: id,
        status: "draft",
        lines: lines.map((l) => ({
          kind: l.kind,
          description: l.description,
          quantity: Number(l.quantity),
          amount_fen: l.amountFen,
          tax_fen: l.taxFen,
        })),
        subtotal_fen: subtotal,
        tax_fen: tax,
        total_fen: subtotal + tax,
      });
    }
    const replaced = [...inp.existing.values()]
      .filter((e) => e.status === "draft")
      .map((e) => e.id);
    if (replaced.length > 0)
      await tx
        .delete(invoices)
        .where(and(inArray(invoices.id, replaced), eq(invoices.status, "draft")));
    await insertAll(tx, rows, lineRows);
    await tx.insert(billingRuns).values({
      id: runId,
      period: period.start,
      actorId: opts.actor?.actorId ?? null,
      invoices: rows.length,
      startedAt,
      finishedAt: clock.now(),
    });
    await writeAudit(tx, {
      ...opts.actor,
      action: "billing.run",
      objectType: "billing_run",
      objectId: runId,
      data: {
        period: period.key,
        drafts: rows.length,
        replaced: replaced.length,
        skipped: result.skipped.length,
      },
    });
    return result;
  });
}

/**
 * Writes drafts and lines as JSON parameters expanded by jsonb_to_recordset: a few statements for
 * thousands of rows, with none of the per-value cost of a large VALUES list.
 */
async function insertAll(
  tx: Tx,
  rows: (typeof invoices.$inferInsert)[],
  lines: (typeof invoiceLines.$inferInsert)[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK);
    await tx.execute(sql`
      insert into ${invoices} (id, tenant_id, period, status, subtotal_fen, tax_fen, total_fen, flags, run_id)
      select id, "tenantId", period, 'draft', "subtotalFen", "taxFen", "totalFen", flags, "runId"
      from jsonb_to_recordset(${JSON.stringify(part)}::jsonb) as x(id text, "tenantId" text, period date,
        "subtotalFen" bigint, "taxFen" bigint, "totalFen" bigint, flags jsonb, "runId" text)`);
  }
  for (let i = 0; i < lines.length; i += CHUNK) {
    const part = lines.slice(i, i + CHUNK);
    await tx.execute(sql`
      insert into ${invoiceLines} (id, invoice_id, position, kind, description, quantity, unit_price_fen,
        amount_fen, tax_category, tax_rate_bp, tax_fen, module, meter, equipment_id, details)
      select id, "invoiceId", position, kind::platform.invoice_line_kind, description, quantity,
        "unitPriceFen", "amountFen", "taxCategory", "taxRateBp", "taxFen", module, meter, "equipmentId", details
      from jsonb_to_recordset(${JSON.stringify(part)}::jsonb) as x(id text, "invoiceId" text, position int,
        kind text, description text, quantity numeric, "unitPriceFen" numeric, "amountFen" bigint,
        "taxCategory" text, "taxRateBp" int, "taxFen" bigint, module text, meter text, "equipmentId" text,
        details jsonb)`);
  }
}
