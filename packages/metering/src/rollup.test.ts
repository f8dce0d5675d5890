import { describe, expect, it } from "vitest";
import { DecimalSum, rollupsOf } from "./rollup.ts";
import type { CheckedEvent } from "./validate.ts";

const sum = (...qs: number[]) => {
  const s = new DecimalSum();
  for (const q of qs) s.add(q);
  return s.toString();
};

describe("DecimalSum", () => {
  it("adds as numeric adds the JSON forms, never in floating point", () => {
    expect(sum(0.1, 0.2)).toBe("0.3");
    expect(sum(1, 2, 3)).toBe("6");
    expect(sum(0.5, 1e-7)).toBe("0.5000001");
    expect(sum(1e21, 1)).toBe("1000000000000000000001");
    expect(sum(Number.MAX_SAFE_INTEGER, 2)).toBe("9007199254740993");
    expect(sum(2.5, Number.MAX_SAFE_INTEGER)).toBe("9007199254740993.5");
    expect(sum(0)).toBe("0");
  });
});

const at = Date.parse("2026-03-18T15:30:00Z"); // 23:30 in Shanghai
const ev = (id: string, meter: string, quantity: number, ms: number, key: string | null = null) =>
  ({ source: "s", id, meter, quantity, at: at + ms, key }) satisfies CheckedEvent;

describe("rollupsOf", () => {
  it("groups by UTC hour and Shanghai day, sorted by meter then bucket; the latest event wins", () => {
    const r = rollupsOf([
      ev("a", "sms.sent", 2, 0),
      ev("b", "sms.sent", 5, 45 * 60_000), // 00:15 next day in Shanghai, next UTC hour
      ev("c", "sms.sent", 1, 10 * 60_000),
      ev("d", "email.sent", 0.25, 0),
      ev("e", "email.sent", 0.5, 0),
    ]);
    const hour = Math.floor(at / 3_600_000);
    const day = Math.floor((at + 8 * 3_600_000) / 86_400_000);
    expect(r.hourly).toEqual([
      { m: "email.sent", b: hour, q: "0.75", n: 2, x: "0.5", lt: at, lq: "0.5" },
      { m: "sms.sent", b: hour, q: "3", n: 2, x: "2", lt: at + 600_000, lq: "1" },
      { m: "sms.sent", b: hour + 1, q: "5", n: 1, x: "5", lt: at + 2_700_000, lq: "5" },
    ]);
    expect(r.daily.map((d) => [d.m, d.b - day, d.q, d.n])).toEqual([
      ["email.sent", 0, "0.75", 2],
      ["sms.sent", 0, "3", 2],
      ["sms.sent", 1, "5", 1],
    ]);
    expect(r.uniques).toEqual([]);
  });

  it("keeps each distinct key's first time in its Shanghai month", () => {
    const r = rollupsOf([
      ev("a", "users.active", 1, 60_000, "u1"),
      ev("b", "users.active", 1, 0, "u1"),
      ev("c", "users.active", 1, 0, "u2"),
    ]);
    expect(r.uniques).toEqual([
      { m: "users.active", mo: "2026-03-01", k: "u1", t: at },
      { m: "users.active", mo: "2026-03-01", k: "u2", t: at },
    ]);
  });
});
