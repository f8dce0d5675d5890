/*
 * Mainland China working days: weekends and State Council holidays are off, adjusted weekend
 * working days (调休) are on. Dates only; add a year as the State Council publishes it.
 */
const OFF: [string, string][] = [
  ["2025-01-01", "2025-01-01"],
  ["2025-01-28", "2025-02-04"],
  ["2025-04-04", "2025-04-06"],
  ["2025-05-01", "2025-05-05"],
  ["2025-05-31", "2025-06-02"],
  ["2025-10-01", "2025-10-08"],
  ["2026-01-01", "2026-01-03"],
  ["2026-02-15", "2026-02-23"],
  ["2026-04-04", "2026-04-06"],
  ["2026-05-01", "2026-05-05"],
  ["2026-06-19", "2026-06-21"],
  ["2026-09-25", "2026-09-27"],
  ["2026-10-01", "2026-10-07"],
];
const WORKING_WEEKENDS = new Set([
  "2025-01-26",
  "2025-02-08",
  "2025-04-27",
  "2025-09-28",
  "2025-10-11",
  "2026-01-04",
  "2026-02-14",
  "2026-02-28",
  "2026-05-09",
  "2026-09-20",
  "2026-10-10",
]);

const DAY_MS = 86_400_000;
/** Asia/Shanghai has no daylight saving time: local time is UTC+8 all year. */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

const isoDay = (localMs: number) => new Date(localMs).toISOString().slice(0, 10);

export function isWorkingDay(day: string): boolean {
  if (WORKING_WEEKENDS.has(day)) return true;
  if (OFF.some(([from, to]) => day >= from && day <= to)) return false;
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/**
 * The same Shanghai time of day on the `days`-th working day after `from`'s Shanghai date: a request
 * made on Friday afternoon with a 1-day SLA is due on Monday afternoon (or after the holiday).
 */
export function addWorkingDays(from: Date, days: number): Date {
  let local = from.getTime() + SHANGHAI_OFFSET_MS;
  let left = days;
  while (left > 0) {
    local += DAY_MS;
    if (isWorkingDay(isoDay(local))) left--;
  }
  return new Date(local - SHANGHAI_OFFSET_MS);
}

export function slaDeadline(from: Date, unit: "hours" | "days", amount: number): Date {
  return unit === "hours"
    ? new Date(from.getTime() + amount * 3_600_000)
    : addWorkingDays(from, amount);
}
