import { shanghaiDay } from "./time.ts";
import type { CheckedEvent } from "./validate.ts";

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Asia/Shanghai is UTC+8 all year (see time.ts). */
const SHANGHAI_MS = 8 * HOUR_MS;

/**
 * One rollup row of a batch, as the ingest statement reads it: `b` is the bucket (UTC hours since
 * the epoch, or Shanghai days since 1970-01-01); quantities are decimal strings, `lt` epoch ms.
 */
export interface RollupRow {
  m: string;
  b: number;
  q: string;
  n: number;
  x: string;
  lt: number;
  lq: string;
}

/** A unique_count key first seen in its Shanghai month (`mo`, YYYY-MM-01) at `t` (epoch ms). */
export interface UniqueRow {
  m: string;
  mo: string;
  k: string;
  t: number;
}

export interface BatchRollups {
  hourly: RollupRow[];
  daily: RollupRow[];
  uniques: UniqueRow[];
}

export const hourOf = (at: number): number => Math.floor(at / HOUR_MS);
export const shanghaiDayNumber = (at: number): number => Math.floor((at + SHANGHAI_MS) / DAY_MS);

/**
 * The rollup rows of a set of events, computed here rather than by GROUP BY in the statement: the
 * database is the busier side of ingestion. Sums are exact: quantities are added as the decimals
 * Postgres `numeric` reads from their JSON form, never as floating point. Rows are sorted by key,
 * so concurrent batches upsert (and lock) shared rollup rows in the same order.
 */
export function rollupsOf(events: readonly CheckedEvent[]): BatchRollups {
  const hourly: Groups = new Map();
  const daily: Groups = new Map();
  const uniques = new Map<string, UniqueRow>();
  for (const e of events) {
    add(hourly, e.meter, hourOf(e.at), e);
    add(daily, e.meter, shanghaiDayNumber(e.at), e);
    if (e.key !== null) {
      const mo = `${shanghaiDay(new Date(e.at)).slice(0, 7)}-01`;
      const k = `${e.meter}\u0000${mo}\u0000${e.key}`;
      const u = uniques.get(k);
      if (!u) uniques.set(k, { m: e.meter, mo, k: e.key, t: e.at });
      else if (e.at < u.t) u.t = e.at;
    }
  }
  return {
    hourly: rows(hourly),
    daily: rows(daily),
    uniques: [...uniques.values()].sort(
      (a, b) => cmp(a.m, b.m) || cmp(a.mo, b.mo) || cmp(a.k, b.k),
    ),
  };
}

/** Accumulators by meter, then bucket (no per-event key strings to build). */
type Groups = Map<string, Map<number, Acc>>;

interface Acc {
  m: string;
  b: number;
  sum: DecimalSum;
  n: number;
  x: number;
  lt: number;
  lq: number;
}

function add(groups: Groups, m: string, b: number, e: CheckedEvent): void {
  let byBucket = groups.get(m);
  if (!byBucket) {
    byBucket = new Map();
    groups.set(m, byBucket);
  }
  const g = byBucket.get(b);
  if (!g) {
    const sum = new DecimalSum();
    sum.add(e.quantity);
    byBucket.set(b, { m, b, sum, n: 1, x: e.quantity, lt: e.at, lq: e.quantity });
    return;
  }
  g.sum.add(e.quantity);
  g.n++;
  if (e.quantity > g.x) g.x = e.quantity;
  // Like the upsert (`excluded.latest_at >= latest_at`): on a tie the later event wins.
  if (e.at >= g.lt) {
    g.lt = e.at;
    g.lq = e.quantity;
  }
}

function rows(groups: Groups): RollupRow[] {
  return [...groups.values()]
    .flatMap((byBucket) => [...byBucket.values()])
    .sort((a, b) => cmp(a.m, b.m) || a.b - b.b)
    .map((g) => ({
      m: g.m,
      b: g.b,
      q: g.sum.toString(),
      n: g.n,
      x: String(g.x),
      lt: g.lt,
      lq: String(g.lq),
    }));
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * An exact sum of non-negative JS numbers, each taken as its shortest decimal form (what
 * JSON.stringify sends and `numeric` reads). Plain integer arithmetic while every term is an
 * integer and the total stays exact; scaled BigInt decimals otherwise.
 */
export class DecimalSum {
  #int = 0;
  #units: bigint | undefined;
  #scale = 0;

  add(q: number): void {
    if (this.#units === undefined && Number.isSafeInteger(q)) {
      const next = this.#int + q;
      if (Number.isSafeInteger(next)) {
        this.#int = next;
        return;
      }
    }
    if (this.#units === undefined) {
      this.#units = BigInt(this.#int);
      this.#scale = 0;
    }
    const [units, scale] = decimalOf(q);
    if (scale > this.#scale) {
      this.#units *= 10n ** BigInt(scale - this.#scale);
      this.#scale = scale;
    }
    this.#units += units * 10n ** BigInt(this.#scale - scale);
  }

  toString(): string {
    if (this.#units === undefined) return String(this.#int);
    if (this.#scale === 0) return this.#units.toString();
    const digits = this.#units.toString().padStart(this.#scale + 1, "0");
    return `${digits.slice(0, -this.#scale)}.${digits.slice(-this.#scale)}`;
  }
}

const DECIMAL = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/;

/** A non-negative finite number's shortest decimal form as (units, scale): 1.5e-7 → (15, 8). */
function decimalOf(q: number): [bigint, number] {
  const m = DECIMAL.exec(String(q));
  if (!m) throw new Error(`not a non-negative finite number: ${q}`);
  const fraction = m[2] ?? "";
  const scale = fraction.length - Number(m[3] ?? 0);
  const digits = `${m[1]}${fraction}`;
  return scale >= 0 ? [BigInt(digits), scale] : [BigInt(digits) * 10n ** BigInt(-scale), 0];
}
