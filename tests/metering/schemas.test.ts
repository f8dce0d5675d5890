import { ValidationError } from "@zhengyun/core";
import {
  batchIssues,
  cloudEventsToInput,
  usageEventsBatchSchema,
  usageQuerySchema,
  usageSeriesResponseSchema,
} from "@zhengyun/metering";
import { describe, expect, it } from "vitest";

const event = (id: string, extra: Record<string, unknown> = {}) => ({
  specversion: "1.0",
  id,
  source: "/terminals/dc-01",
  type: "terminal.transactions",
  time: "2026-03-19T09:30:00+08:00",
  subject: "dongcheng",
  data: { quantity: 3 },
  ...extra,
});

describe("usage HTTP schemas", () => {
  it("turns a CloudEvents batch into verb input, keeping each event's source", () => {
    const batch = usageEventsBatchSchema.parse([
      event("a"),
      event("b", { data: { quantity: 1, key: "u1" } }),
    ]);
    expect(cloudEventsToInput(batch, "dongcheng")).toEqual([
      {
        id: "a",
        source: "/terminals/dc-01",
        meter: "terminal.transactions",
        quantity: 3,
        time: "2026-03-19T09:30:00+08:00",
      },
      {
        id: "b",
        source: "/terminals/dc-01",
        meter: "terminal.transactions",
        quantity: 1,
        time: "2026-03-19T09:30:00+08:00",
        key: "u1",
      },
    ]);
  });

  it("refuses events naming another tenant, naming them", () => {
    const batch = usageEventsBatchSchema.parse([event("a"), event("b", { subject: "xicheng" })]);
    const err = (() => {
      try {
        cloudEventsToInput(batch, "dongcheng");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues).toEqual([
      { path: "events[1]", message: expect.stringContaining('id "b"') },
    ]);
  });

  it("names malformed events by index and id; refuses empty and oversized batches", () => {
    const body = [event("ok"), event("neg", { data: { quantity: -1 } }), { id: "x" }];
    const res = usageEventsBatchSchema.safeParse(body);
    expect(res.success).toBe(false);
    const paths = new Set(batchIssues(res.error as never, body).map((i) => i.path));
    expect([...paths]).toEqual(["events[1]", "events[2]"]);
    expect(usageEventsBatchSchema.safeParse([]).success).toBe(false);
    const big = Array.from({ length: 1001 }, (_, i) => event(`e${i}`));
    expect(usageEventsBatchSchema.safeParse(big).success).toBe(false);
  });

  it("parses the read query and checks the response shape", () => {
    expect(
      usageQuerySchema.parse({
        tenant: "dongcheng",
        meter: "sms.sent",
        from: "2026-03-01",
        to: "2026-03-31",
      }),
    ).toMatchObject({ granularity: "day" });
    expect(
      usageQuerySchema.safeParse({ tenant: "d", meter: "m", from: "2026-3-1", to: "2026-03-31" })
        .success,
    ).toBe(false);
    const ok = {
      tenant: "dongcheng",
      meter: "sms.sent",
      unit: "message",
      granularity: "month",
      points: [{ start: "2026-03-01", quantity: 1.5 }],
      total: 1.5,
    };
    expect(usageSeriesResponseSchema.parse(ok)).toEqual(ok);
  });
});
