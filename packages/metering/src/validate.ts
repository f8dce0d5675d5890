import { type Clock, type FieldIssue, ValidationError } from "@zhengyun/core";
import type { Meter } from "./catalog.ts";

/** One usage event as the verbs take it, whatever carried it (HTTP, outbox relay, counters). */
export interface UsageEventInput {
  id: string;
  meter: string;
  /** Required by sum, max and latest meters; count and unique_count meters default it to 1. */
  quantity?: number;
  time: Date | string;
  /** Defaults to the batch's source. */
  source?: string;
  /** The value counted distinct by unique_count meters (e.g. a user id). */
  key?: string;
}

export interface CheckedEvent {
  source: string;
  id: string;
  meter: string;
  quantity: number;
  /** Epoch milliseconds (what `new Date(time)` keeps of it). */
  at: number;
  /** Set for unique_count meters only. */
  key: string | null;
}

export const MAX_BATCH = 1000;
export const MAX_FUTURE_MS = 5 * 60_000;
/** Events older than this are refused, so dedupe keys older than it may be pruned safely. */
export const DEFAULT_LATE_WINDOW_DAYS = 90;

const TOKEN = /^[\x21-\x7e]{1,200}$/;

export interface CheckOptions {
  clock: Clock;
  lateWindowDays: number;
}

/**
 * Checks a whole batch before anything is written and names every offending event by index and
 * id. Returns the events to insert (first occurrence of each source/id) and, per input position,
 * whether it repeats an earlier event of the same batch.
 */
export function checkBatch(
  events: readonly UsageEventInput[],
  defaultSource: string,
  meters: Map<string, Meter>,
  opts: CheckOptions,
): { unique: CheckedEvent[]; repeated: boolean[] } {
  if (!Array.isArray(events)) throw new ValidationError("events must be an array");
  if (events.length > MAX_BATCH) {
    throw new ValidationError(`a batch holds at most ${MAX_BATCH} events, got ${events.length}`);
  }
  const issues: FieldIssue[] = [];
  const seen = new Map<string, Set<string>>();
  const unique: CheckedEvent[] = [];
  const repeated: boolean[] = [];
  const now = opts.clock.now().getTime();
  const window: Window = {
    from: now - opts.lateWindowDays * 86_400_000,
    to: now + MAX_FUTURE_MS,
    days: opts.lateWindowDays,
  };
  events.forEach((e, i) => {
    const checked = checkOne(e, defaultSource, meters, window);
    if (typeof checked === "string") {
      const name =
        typeof e?.id === "string" ? `event ${i} (id ${JSON.stringify(e.id)})` : `event ${i}`;
      issues.push({ path: `events[${i}]`, message: `${name}: ${checked}` });
      return;
    }
    let ids = seen.get(checked.source);
    if (!ids) {
      ids = new Set();
      seen.set(checked.source, ids);
    }
    repeated[i] = ids.has(checked.id);
    if (repeated[i]) return;
    ids.add(checked.id);
    unique.push(checked);
  });
  if (issues.length > 0) {
    throw new ValidationError(
      `${issues.length} of ${events.length} events refused; nothing of the batch was written`,
      issues,
    );
  }
  return { unique, repeated };
}

/** The instants a batch's events may carry, read once per batch. */
interface Window {
  from: number;
  to: number;
  days: number;
}

/** One event checked on its own: the checked event, or what is wrong with it. */
function checkOne(
  e: UsageEventInput,
  defaultSource: string,
  meters: Map<string, Meter>,
  window: Window,
): CheckedEvent | string {
  if (typeof e !== "object" || e === null) return "not an object";
  const source = e.source ?? defaultSource;
  if (typeof e.id !== "string" || !TOKEN.test(e.id)) return "id must be 1-200 printable characters";
  if (typeof source !== "string" || !TOKEN.test(source)) {
    return "source must be 1-200 printable characters";
  }
  const meter = meters.get(e.meter);
  if (!meter) return `unknown meter ${JSON.stringify(e.meter)}`;
  const implicit = meter.aggregation === "count" || meter.aggregation === "unique_count";
  const quantity = e.quantity ?? (implicit ? 1 : undefined);
  if (typeof quantity !== "number" || !Number.isFinite(quantity) || quantity < 0) {
    return "quantity must be a finite number >= 0";
  }
  const at =
    e.time instanceof Date
      ? e.time.getTime()
      : typeof e.time === "string"
        ? Date.parse(e.time)
        : Number.NaN;
  if (Number.isNaN(at)) return "time is not a valid timestamp";
  if (at > window.to) return "time is more than 5 minutes ahead";
  if (at < window.from) return `time is older than the ${window.days}-day late window`;
  let key: string | null = null;
  if (meter.aggregation === "unique_count") {
    if (typeof e.key !== "string" || e.key.length === 0 || e.key.length > 200) {
      return `meter ${meter.code} counts distinct keys; key (1-200 chars) is required`;
    }
    key = e.key;
  }
  return { source, id: e.id, meter: meter.code, quantity, at, key };
}
