import { newId, ValidationError } from "@zhengyun/core";
import { type Database, type Tx, tenantSchema } from "@zhengyun/db";
import { currentScopeTenantId, type TenantRef, withTenant } from "@zhengyun/tenancy";
import { and, asc, inArray, isNull, sql } from "drizzle-orm";
import { LIVE, resolveTenant, tenantsIn } from "./tenants.ts";
import { platformUsageSink, type UsageSink } from "./usage-sink.ts";

const { usageOutbox } = tenantSchema;

export interface UsageInput {
  /** Dotted lower-case name, e.g. `email.sent`, `storage.gb_day`. */
  meter: string;
  /** Non-negative; a decimal string keeps exact precision. */
  quantity: number | string;
  /** Makes recording idempotent: the same id is counted once. Generated when absent. */
  eventId?: string;
  occurredAt?: Date;
}

const METER_RE = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;
const QUANTITY_RE = /^\d+(\.\d+)?$/;

/**
 * Records usage inside the caller's tenant transaction (its outbox row commits or rolls back with
 * the business change). Returns the event id. A repeated event id is ignored.
 */
export async function recordUsage(tx: Tx, input: UsageInput): Promise<string> {
  const [eventId] = await recordUsages(tx, [input]);
  return eventId as string;
}

/**
 * Records many usage events in one statement (batch verbs: one round trip, not one per event).
 * Same rules as recordUsage; returns the event ids in input order.
 */
export async function recordUsages(tx: Tx, inputs: readonly UsageInput[]): Promise<string[]> {
  if (currentScopeTenantId() === undefined) {
    throw new Error("recordUsage must run inside withTenant");
  }
  const rows = inputs.map(outboxRow);
  if (rows.length === 1) {
    await tx.insert(usageOutbox).values(rows).onConflictDoNothing({ target: usageOutbox.eventId });
  } else if (rows.length > 1) {
    // One jsonb parameter instead of four per row: cheap to build and send for large batches.
    await tx.execute(sql`insert into ${usageOutbox} (event_id, meter, quantity, occurred_at)
      select "eventId", meter, quantity, "occurredAt"
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        as x("eventId" text, meter text, quantity numeric, "occurredAt" timestamptz)
      on conflict (event_id) do nothing`);
  }
  return rows.map((r) => r.eventId);
}

function outboxRow(input: UsageInput) {
  const quantity = typeof input.quantity === "number" ? String(input.quantity) : input.quantity;
  const issues = [];
  if (!METER_RE.test(input.meter) || input.meter.length > 100)
    issues.push({ path: "meter", message: "meter must be a dotted lower-case name" });
  if (!QUANTITY_RE.test(quantity) || quantity.length > 40)
    issues.push({ path: "quantity", message: "quantity must be a non-negative decimal number" });
  if (input.eventId !== undefined && (input.eventId.length < 1 || input.eventId.length > 200))
    issues.push({ path: "eventId", message: "eventId must be 1 to 200 characters" });
  if (issues.length > 0) throw new ValidationError("Invalid usage record", issues);
  const eventId = input.eventId ?? newId("evt");
  return { eventId, meter: input.meter, quantity, occurredAt: input.occurredAt ?? new Date() };
}

export type OutboxRow = typeof usageOutbox.$inferSelect;

/** Step 1: the oldest unrelayed rows, read as the tenant. */
export function readUnrelayed(
  db: Database,
  tenant: TenantRef,
  limit: number,
): Promise<OutboxRow[]> {
  return withTenant(db, tenant, (tx) =>
    tx
      .select()
      .from(usageOutbox)
      .where(isNull(usageOutbox.relayedAt))
      .orderBy(asc(usageOutbox.seq))
      .limit(limit),
  );
}

/** Step 2: hand them to the control plane's sink, which drops event ids it already has. */
export function insertUsageEvents(
  db: Database,
  tenant: TenantRef,
  rows: OutboxRow[],
  sink: UsageSink = platformUsageSink,
): Promise<number> {
  if (rows.length === 0) return Promise.resolve(0);
  return sink(
    db,
    tenant.id,
    rows.map((r) => ({
      eventId: r.eventId,
      meter: r.meter,
      quantity: r.quantity,
      occurredAt: r.occurredAt,
    })),
  );
}

/** Step 3: mark them relayed, as the tenant. A crash before this only causes a dropped re-insert. */
export async function markRelayed(
  db: Database,
  tenant: TenantRef,
  rows: OutboxRow[],
  at = new Date(),
): Promise<void> {
  if (rows.length === 0) return;
  await withTenant(db, tenant, (tx) =>
    tx
      .update(usageOutbox)
      .set({ relayedAt: at })
      .where(
        and(
          inArray(
            usageOutbox.seq,
            rows.map((r) => r.seq),
          ),
          isNull(usageOutbox.relayedAt),
        ),
      ),
  );
}

export interface RelayOptions {
  batchSize?: number;
  /** Bounds the work per tenant per call; the rest waits for the next tick. */
  maxBatches?: number;
  sink?: UsageSink;
}

export interface RelayResult {
  tenants: number;
  /** Outbox rows marked relayed. */
  relayed: number;
  /** New platform rows (a re-relayed row after a crash is relayed but not inserted). */
  inserted: number;
  /** Tenants whose relay threw; the others still ran. */
  failed: { slug: string; error: string }[];
}

/** Relays one tenant's outbox in bounded batches; a tenant transaction never writes the platform. */
export async function relayTenantUsage(
  db: Database,
  tenant: TenantRef,
  opts: RelayOptions = {},
): Promise<RelayResult> {
  const batchSize = opts.batchSize ?? 500;
  const result: RelayResult = { tenants: 1, relayed: 0, inserted: 0, failed: [] };
  for (let i = 0; i < (opts.maxBatches ?? 10); i++) {
    const rows = await readUnrelayed(db, tenant, batchSize);
    if (rows.length === 0) break;
    result.inserted += await insertUsageEvents(db, tenant, rows, opts.sink);
    await markRelayed(db, tenant, rows);
    result.relayed += rows.length;
    if (rows.length < batchSize) break;
  }
  return result;
}

/**
 * On demand (tests, CLI) and from the periodic job: one tenant (ref or slug), the given list, or
 * every live tenant. One tenant's failure is reported and does not stop the others.
 */
export async function relayUsage(
  db: Database,
  tenant?: TenantRef | string | TenantRef[],
  opts: RelayOptions = {},
): Promise<RelayResult> {
  const list = Array.isArray(tenant)
    ? tenant
    : tenant === undefined
      ? await tenantsIn(db, LIVE)
      : [await resolveTenant(db, tenant, LIVE)];
  const total: RelayResult = { tenants: 0, relayed: 0, inserted: 0, failed: [] };
  for (const t of list) {
    try {
      const r = await relayTenantUsage(db, t, opts);
      total.relayed += r.relayed;
      total.inserted += r.inserted;
    } catch (e) {
      total.failed.push({ slug: t.slug, error: (e as Error).message });
    }
    total.tenants++;
  }
  return total;
}
