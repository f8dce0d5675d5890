/**
 * Calendar arithmetic in Asia/Shanghai: UTC+8 all year (no daylight saving since 1991), so a fixed
 * offset is exact and matches Postgres's `at time zone 'Asia/Shanghai'` for every date we meter.
 */
const OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export const TIME_ZONE = "Asia/Shanghai";

/** The Shanghai calendar day (YYYY-MM-DD) an instant falls on. */
export function shanghaiDay(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a Shanghai day starts. */
export function dayStart(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - OFFSET_MS);
}

export function isDate(s: string): boolean {
  return DATE_RE.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && addDays(s, 0) === s;
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** First day of the month of a date. */
export function monthOf(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

export function daysInMonth(day: string): number {
  const y = Number(day.slice(0, 4));
  const mo = Number(day.slice(5, 7));
  return new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

/** Every day from `from` to `to`, inclusive. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}
