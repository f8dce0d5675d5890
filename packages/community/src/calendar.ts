import { nationalCalendar, shanghaiDay, type WorkingCalendar } from "@zhengyun/core";

/**
 * The same Shanghai time of day on the `days`-th working day after `from`'s Shanghai date: a request
 * made on Friday afternoon with a 1-day SLA is due on Monday afternoon (or after the holiday).
 * The holidays and adjusted working weekends come from core's working-day calendar.
 */
export function addWorkingDays(
  from: Date,
  days: number,
  calendar: WorkingCalendar = nationalCalendar,
): Date {
  const start = shanghaiDay(from);
  const end = calendar.addDays(start, days);
  return new Date(from.getTime() + (Date.parse(end) - Date.parse(start)));
}

export function slaDeadline(from: Date, unit: "hours" | "days", amount: number): Date {
  return unit === "hours"
    ? new Date(from.getTime() + amount * 3_600_000)
    : addWorkingDays(from, amount);
}
