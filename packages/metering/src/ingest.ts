import { type Clock, systemClock } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import { withPlatform } from "@zhengyun/tenancy";
import { resolveMeters } from "./catalog.ts";
import { ALL_NEW, byKey, type ClaimMode, insertBatch } from "./insert-batch.ts";
import { ensurePartitions, forgetPartitions } from "./partitions.ts";
import { isMissingPartition, isRetryable, isUniqueViolation } from "./pg-errors.ts";
import { checkBatch, DEFAULT_LATE_WINDOW_DAYS, type UsageEventInput } from "./validate.ts";

export type IngestStatus = "accepted" | "duplicate";
export interface IngestResult {
  id: string;
  status: IngestStatus;
}

export interface IngestInput {
  tenantId: string;
  /** Source of events that name none; dedupe is per (tenant, source, event id). */
  source?: string;
  events: readonly UsageEventInput[];
}

export interface IngestOptions {
  clock?: Clock;
  /** Events older than this many days are refused; see README before raising it. */
  lateWindowDays?: number;
}

const ATTEMPTS = 4;

/**
 * Ingests one batch, all or nothing: validated first (ValidationError names the offending events,
 * nothing is written), then one set-based statement inserts the dedupe keys, the raw events that
 * won their key, and the rollups of exactly those rows, in one transaction (insert-batch.ts).
 * Returns each event's status in input order; a repeat of an earlier event of the same batch is a
 * duplicate.
 */
export async function ingestEvents(
  db: Database,
  input: IngestInput,
  opts: IngestOptions = {},
): Promise<IngestResult[]> {
  const clock = opts.clock ?? systemClock;
  const lateWindowDays = opts.lateWindowDays ?? DEFAULT_LATE_WINDOW_DAYS;
  const meters = await resolveMeters(
    db,
    input.events.map((e) => e?.meter),
  );
  const { unique, repeated } = checkBatch(input.events, input.source ?? "api", meters, {
    clock,
    lateWindowDays,
  });
  let accepted: typeof ALL_NEW | Set<string> = ALL_NEW;
  if (unique.length > 0) {
    let from = Number.POSITIVE_INFINITY;
    let to = Number.NEGATIVE_INFINITY;
    for (const e of unique) {
      if (e.at < from) from = e.at;
      if (e.at > to) to = e.at;
    }
    await ensurePartitions(db, from, to);
    unique.sort(byKey);
    let mode = claimMode(db, input.tenantId, clock);
    for (let attempt = 1; ; attempt++) {
      try {
        const claim = mode;
        accepted = await withPlatform(db, (tx) => insertBatch(tx, input.tenantId, unique, claim));
        break;
      } catch (err) {
        if (mode === "optimistic" && isUniqueViolation(err)) {
          // Some key is stored already: this batch (not counted as an attempt) and, for a while,
          // this tenant's next ones sort duplicates out with ON CONFLICT.
          mode = "careful";
          sawDuplicates(db, input.tenantId, clock);
          attempt--;
          continue;
        }
        if (attempt >= ATTEMPTS) throw err;
        if (isMissingPartition(err)) {
          forgetPartitions(db);
          await ensurePartitions(db, from, to);
        } else if (!isRetryable(err)) throw err;
      }
    }
  }
  if (accepted === ALL_NEW) {
    return input.events.map((e, i) => ({
      id: e.id,
      status: repeated[i] ? "duplicate" : "accepted",
    }));
  }
  const claimed = new Set<string>();
  const news = accepted;
  return input.events.map((e, i) => {
    const k = `${e.source ?? input.source ?? "api"}\u0000${e.id}`;
    const first = !repeated[i] && news.has(k) && !claimed.has(k);
    if (first) claimed.add(k);
    return { id: e.id, status: first ? "accepted" : "duplicate" };
  });
}

/**
 * Tenants whose batches recently met stored keys (retries, replays): their next batches claim
 * keys carefully at once instead of failing optimistically first (see ClaimMode).
 */
const CAREFUL_FOR_MS = 60_000;
const careful = new WeakMap<Database, Map<string, number>>();

function claimMode(db: Database, tenantId: string, clock: Clock): ClaimMode {
  const until = careful.get(db)?.get(tenantId);
  return until !== undefined && clock.now().getTime() < until ? "careful" : "optimistic";
}

function sawDuplicates(db: Database, tenantId: string, clock: Clock): void {
  let m = careful.get(db);
  if (!m) {
    m = new Map();
    careful.set(db, m);
  }
  if (m.size >= 10_000) m.clear();
  m.set(tenantId, clock.now().getTime() + CAREFUL_FOR_MS);
}

/**
 * The relay's entry (packages/jobs): a tenant's outbox rows, already trusted, through the same
 * path. Replays are answered `duplicate`, so the relay may mark its rows relayed either way.
 */
export function ingestUsage(
  db: Database,
  tenantId: string,
  source: string,
  events: readonly UsageEventInput[],
  opts: IngestOptions = {},
): Promise<IngestResult[]> {
  return ingestEvents(db, { tenantId, source, events }, opts);
}

/** What the outbox relay (packages/jobs) hands over: its UsageSink's event shape. */
export interface RelayedUsageEvent {
  eventId: string;
  meter: string;
  quantity: string | number;
  occurredAt: Date;
  key?: string;
}

/**
 * A drop-in `usageSink` for startJobs: relays one tenant's outbox rows under source "outbox" and
 * returns how many were new. Throws ValidationError for rows it cannot accept (unknown meter, older
 * than the late window): those are bugs to fix, not usage to drop.
 */
export async function outboxUsageSink(
  db: Database,
  tenantId: string,
  events: RelayedUsageEvent[],
  opts: IngestOptions = {},
): Promise<number> {
  const results = await ingestUsage(
    db,
    tenantId,
    "outbox",
    events.map((e) => ({
      id: e.eventId,
      meter: e.meter,
      quantity: Number(e.quantity),
      time: e.occurredAt,
      ...(e.key === undefined ? {} : { key: e.key }),
    })),
    opts,
  );
  return results.filter((r) => r.status === "accepted").length;
}
