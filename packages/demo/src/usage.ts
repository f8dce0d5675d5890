import { type Clock, systemClock } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import { ensureMeters, ingestEvents, shanghaiDay, type UsageEventInput } from "@zhengyun/metering";

/** How many days of usage the demo carries, ending yesterday (Shanghai). */
export const DEMO_USAGE_DAYS = 120;
const DAY_MS = 86_400_000;
const GIB = 1024 ** 3;

interface Scale {
  /** Busy-day averages; weekends see a fraction of them. */
  applications: number;
  settlements: number;
  requests: number;
  terminal: number;
  apiRequests: number;
  storageGiB: number;
}

const SCALE: Record<string, Scale> = {
  city: {
    applications: 24,
    settlements: 30,
    requests: 6,
    terminal: 900,
    apiRequests: 60_000,
    storageGiB: 120,
  },
  district: {
    applications: 10,
    settlements: 12,
    requests: 4,
    terminal: 300,
    apiRequests: 18_000,
    storageGiB: 30,
  },
  street: {
    applications: 4,
    settlements: 5,
    requests: 2,
    terminal: 80,
    apiRequests: 4_000,
    storageGiB: 6,
  },
};

/** A small deterministic generator seeded by a string: same tenant and day, same usage. */
function random(seed: string): () => number {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
  return () => {
    h = Math.imul(h ^ (h >>> 15), h | 1);
    h ^= h + Math.imul(h ^ (h >>> 7), h | 61);
    return ((h ^ (h >>> 14)) >>> 0) / 4294967296;
  };
}

/** One Shanghai day of a tenant's usage: counted meters as single events, summed ones as totals. */
function dayEvents(slug: string, level: string, day: string, index: number): UsageEventInput[] {
  const s = SCALE[level] ?? (SCALE.district as Scale);
  const rnd = random(`${slug}:${day}`);
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  const busy = weekday === 0 || weekday === 6 ? 0.2 : 1;
  // 09:00-17:00 in Shanghai is 01:00-09:00 UTC.
  const at = () => new Date(Date.parse(`${day}T01:00:00Z`) + Math.floor(rnd() * 8 * 3600_000));
  const n = (avg: number) => Math.round(avg * busy * (0.7 + 0.6 * rnd()));
  const out: UsageEventInput[] = [];
  const counted: [string, number][] = [
    ["portal.applications", n(s.applications)],
    ["mi.settlements", n(s.settlements)],
    ["cs.requests", n(s.requests)],
  ];
  for (const [meter, count] of counted) {
    for (let i = 0; i < count; i++) out.push({ id: `${meter}:${day}:${i}`, meter, time: at() });
  }
  const applications = counted[0]?.[1] ?? 0;
  const summed: [string, number][] = [
    // Each application sends a receipt and a result notice by SMS.
    ["sms.sent", applications * 2 + n(10)],
    ["api.requests", n(s.apiRequests)],
    ["terminal.transactions", n(s.terminal)],
  ];
  for (const [meter, quantity] of summed) {
    out.push({ id: `${meter}:${day}`, meter, quantity, time: at() });
  }
  // Storage grows about 0.4 % a day; one snapshot each evening.
  const bytes = Math.round(s.storageGiB * GIB * 1.004 ** index * (0.995 + 0.01 * rnd()));
  out.push({
    id: `storage.bytes:${day}`,
    meter: "storage.bytes",
    quantity: bytes,
    time: new Date(Date.parse(`${day}T14:00:00Z`)),
  });
  return out;
}

/**
 * About four months of realistic daily usage for the demo tenants, ingested through the metering
 * path itself (rollups included) under source "demo". Deterministic ids and quantities: seeding
 * again for the same days is answered `duplicate` and changes nothing. Returns events accepted.
 */
export async function seedDemoUsage(
  db: Database,
  tenants: readonly { id: string; slug: string; level: string }[],
  clock: Clock = systemClock,
): Promise<number> {
  // Boot seeds the catalog already; a bare database (CLI, tests) may not have it yet.
  await ensureMeters(db);
  const today = shanghaiDay(clock.now());
  const first = Date.parse(`${today}T00:00:00Z`) - DEMO_USAGE_DAYS * DAY_MS;
  let accepted = 0;
  for (const t of tenants) {
    let pending: UsageEventInput[] = [];
    const send = async () => {
      const results = await ingestEvents(
        db,
        { tenantId: t.id, source: "demo", events: pending },
        // The window must reach the first demo day (plus a day of slack).
        { clock, lateWindowDays: DEMO_USAGE_DAYS + 2 },
      );
      accepted += results.filter((r) => r.status === "accepted").length;
      pending = [];
    };
    for (let i = 0; i < DEMO_USAGE_DAYS; i++) {
      const day = new Date(first + i * DAY_MS).toISOString().slice(0, 10);
      for (const e of dayEvents(t.slug, t.level, day, i)) {
        pending.push(e);
        if (pending.length === 1000) await send();
      }
    }
    if (pending.length > 0) await send();
  }
  return accepted;
}
