import { type Clock, ValidationError } from "@zhengyun/core";

/** A billing month in Asia/Shanghai (UTC+8, no DST). */
export interface Period {
  /** "2026-10" */
  key: string;
  /** First day, "2026-10-01". */
  start: string;
  /** First day of the next month (exclusive end). */
  end: string;
  days: number;
  startAt: Date;
  endAt: Date;
}

const SHANGHAI_OFFSET_MS = 8 * 3600_000;

export const isoDay = (y: number, m: number, d: number): string =>
  new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);

export function periodOf(key: string): Period {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(key);
  if (!m) {
    throw new ValidationError(`Malformed period "${key}"`, [
      { path: "period", message: "expected YYYY-MM" },
    ]);
  }
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const start = isoDay(y, mo, 1);
  const end = isoDay(y, mo + 1, 1);
  return {
    key,
    start,
    end,
    days: new Date(Date.UTC(y, mo, 0)).getUTCDate(),
    startAt: new Date(Date.parse(`${start}T00:00:00Z`) - SHANGHAI_OFFSET_MS),
    endAt: new Date(Date.parse(`${end}T00:00:00Z`) - SHANGHAI_OFFSET_MS),
  };
}

/** A period that can be invoiced: well formed and fully over in Asia/Shanghai. */
export function endedPeriod(key: string, clock: Clock): Period {
  const p = periodOf(key);
  if (clock.now().getTime() < p.endAt.getTime()) {
    throw new ValidationError(`Period ${key} has not ended yet`, [
      { path: "period", message: "the month must be over before it is invoiced" },
    ]);
  }
  return p;
}

/** The month before. */
export function previousPeriod(p: Period): Period {
  const d = new Date(`${p.start}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - 1);
  return periodOf(d.toISOString().slice(0, 7));
}

/** Day offset of an ISO date within the period, clamped to [0, days]. */
export function dayOffset(p: Period, day: string | null): number {
  if (day === null) return p.days;
  const diff = (Date.parse(`${day}T00:00:00Z`) - Date.parse(`${p.start}T00:00:00Z`)) / 86_400_000;
  return Math.min(p.days, Math.max(0, diff));
}

/** Today in Asia/Shanghai as "YYYY-MM-DD". */
export const shanghaiToday = (clock: Clock): string =>
  new Date(clock.now().getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
