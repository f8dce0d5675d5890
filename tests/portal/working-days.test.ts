import { readFile } from "node:fs/promises";
import { CN_HOLIDAYS, nationalCalendar, WorkingCalendar } from "@zhengyun/core";
import { describe, expect, it } from "vitest";

const cal = nationalCalendar;

describe("working days", () => {
  it("matches the State Council arrangements in the shared reference", async () => {
    const ref = JSON.parse(
      await readFile(
        new URL("../../../shared/reference/holidays/cn-holidays.json", import.meta.url),
        "utf8",
      ),
    ) as { years: Record<string, { off: { from: string; to: string }[]; workdays: string[] }> };
    const years = Object.values(ref.years);
    expect(CN_HOLIDAYS.off).toEqual(years.flatMap((y) => y.off.map((o) => [o.from, o.to])));
    expect(CN_HOLIDAYS.workdays).toEqual(years.flatMap((y) => y.workdays));
  });

  it("skips Spring Festival 2026 and counts the adjusted working Saturdays (调休)", () => {
    expect(cal.isWorkingDay("2026-02-14")).toBe(true); // Saturday, adjusted
    expect(cal.isWorkingDay("2026-02-16")).toBe(false); // Monday, holiday
    expect(cal.isWorkingDay("2026-02-28")).toBe(true); // Saturday, adjusted
    expect(cal.addDays("2026-02-13", 1)).toBe("2026-02-14");
    expect(cal.addDays("2026-02-13", 2)).toBe("2026-02-24");
    expect(cal.between("2026-02-13", "2026-02-24")).toBe(2);
    // 20 working days from Monday 2026-02-02: 9 to the 13th, Sat 14th, 24th–27th, Sat 28th, then
    // five more in March.
    expect(cal.addDays("2026-02-02", 20)).toBe("2026-03-06");
  });

  it("handles Spring Festival 2025 with its Sunday before and Saturday after", () => {
    expect(cal.addDays("2025-01-24", 1)).toBe("2025-01-26");
    expect(cal.addDays("2025-01-24", 2)).toBe("2025-01-27");
    expect(cal.addDays("2025-01-24", 3)).toBe("2025-02-05");
    expect(cal.between("2025-01-27", "2025-02-08")).toBe(4); // 5th, 6th, 7th, Saturday 8th
  });

  it("deadlines close at the end of the Shanghai day", () => {
    // Friday 2026-02-13 18:00 Shanghai = 10:00 UTC; 2 working days → end of Tuesday 24th.
    const due = cal.deadline(new Date("2026-02-13T10:00:00Z"), 2);
    expect(due.toISOString()).toBe("2026-02-24T15:59:59.999Z");
  });

  it("a tenant's edits override the national calendar", () => {
    const local = new WorkingCalendar(CN_HOLIDAYS, [
      { day: "2026-02-23", kind: "work" },
      { day: "2026-03-02", kind: "off" },
    ]);
    expect(local.addDays("2026-02-13", 2)).toBe("2026-02-23");
    expect(local.isWorkingDay("2026-03-02")).toBe(false);
    expect(() => new WorkingCalendar(CN_HOLIDAYS, [{ day: "2026-2-1", kind: "off" }])).toThrow();
  });
});
