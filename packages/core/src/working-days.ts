/*
 * Working-day arithmetic for statutory deadlines: weekends and public holidays are off, adjusted
 * weekend working days (调休) are on. Dates are Asia/Shanghai calendar days ("YYYY-MM-DD").
 */

/** The State Council's arrangements (dates only); a tenant calendar overlays its own edits. */
export const CN_HOLIDAYS: { off: [string, string][]; workdays: string[] } = {
  off: [
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
  ],
  workdays: [
    ...["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"],
    ...["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"],
  ],
};

const DAY_MS = 86_400_000;
/** Asia/Shanghai has no daylight saving time: local time is UTC+8 all year. */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** The Shanghai calendar day of an instant. */
export const shanghaiDay = (at: Date): string =>
  new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);

const nextDay = (day: string, step = 1): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + step * DAY_MS).toISOString().slice(0, 10);

function* daysIn(from: string, to: string): Generator<string> {
  for (let d = from; d <= to; d = nextDay(d)) yield d;
}

/** One tenant's edit of the calendar: a day declared off or working, whatever the default. */
export interface CalendarOverride {
  day: string;
  kind: "off" | "work";
}

export class WorkingCalendar {
  readonly #kind = new Map<string, "off" | "work">();

  constructor(base = CN_HOLIDAYS, overrides: readonly CalendarOverride[] = []) {
    for (const [from, to] of base.off) for (const d of daysIn(from, to)) this.#kind.set(d, "off");
    for (const d of base.workdays) this.#kind.set(d, "work");
    for (const o of overrides) {
      if (!DAY_RE.test(o.day)) throw new RangeError(`not a calendar day: ${o.day}`);
      this.#kind.set(o.day, o.kind);
    }
  }

  isWorkingDay(day: string): boolean {
    const kind = this.#kind.get(day);
    if (kind) return kind === "work";
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }

  /** The `n`-th working day after `day` (n ≥ 0; n = 0 is `day` itself). */
  addDays(day: string, n: number): string {
    let d = day;
    for (let left = n; left > 0; ) {
      d = nextDay(d);
      if (this.isWorkingDay(d)) left--;
    }
    return d;
  }

  /** Working days in (from, to]: how many working days have passed since `from` by `to`. */
  between(from: string, to: string): number {
    let n = 0;
    for (let d = nextDay(from); d <= to; d = nextDay(d)) if (this.isWorkingDay(d)) n++;
    return n;
  }

  /**
   * The end of the `n`-th working day after the Shanghai day of `from` (23:59:59.999 Shanghai):
   * a statutory limit of n working days runs out at the close of that day.
   */
  deadline(from: Date, n: number): Date {
    const day = this.addDays(shanghaiDay(from), n);
    return new Date(Date.parse(`${nextDay(day)}T00:00:00Z`) - SHANGHAI_OFFSET_MS - 1);
  }
}

export const nationalCalendar = new WorkingCalendar();
