import { type Database, platformSchema } from "@zhengyun/db";
import { withPlatform } from "@zhengyun/tenancy";
import { sql } from "drizzle-orm";

export type Meter = platformSchema.Meter;
export type MeterAggregation = platformSchema.MeterAggregation;

/** The meters the product bills; ensureMeters keeps the table equal to this list's entries. */
export const METERS: readonly Meter[] = [
  m("api.requests", "API 请求", "API requests", "request", "sum"),
  m("users.active", "活跃用户", "Active users", "user", "unique_count"),
  m("storage.bytes", "存储用量", "Storage used", "byte", "latest"),
  m("portal.applications", "网上办件申请", "Portal applications", "application", "count"),
  m("portal.certificates", "电子证照签发", "Certificates issued", "certificate", "count"),
  m("mi.settlements", "医保结算", "Medical insurance settlements", "settlement", "count"),
  m("cs.requests", "社区服务请求", "Community service requests", "request", "count"),
  m("sms.sent", "短信发送", "SMS sent", "message", "sum"),
  m("email.sent", "邮件发送", "Emails sent", "message", "sum"),
  m(
    "terminal.transactions",
    "自助终端交易",
    "Self-service terminal transactions",
    "transaction",
    "sum",
  ),
];

function m(
  code: string,
  nameZh: string,
  nameEn: string,
  unit: string,
  aggregation: MeterAggregation,
): Meter {
  return { code, nameZh, nameEn, unit, aggregation };
}

/**
 * Seeds or updates the catalog. Runs with the owner's privileges (boot, migrations, tests): the
 * runtime role may only read meters. Extra meters (added by later modules) are upserted too.
 */
export async function ensureMeters(db: Database, extra: readonly Meter[] = []): Promise<void> {
  const all = [...METERS, ...extra];
  await db.orm
    .insert(platformSchema.meters)
    .values(all)
    .onConflictDoUpdate({
      target: platformSchema.meters.code,
      set: {
        nameZh: sql`excluded.name_zh`,
        nameEn: sql`excluded.name_en`,
        unit: sql`excluded.unit`,
        aggregation: sql`excluded.aggregation`,
      },
    });
  cache.delete(db);
}

const cache = new WeakMap<Database, Map<string, Meter>>();

/** The catalog, cached per database; `refresh` rereads it (a meter added since the last read). */
export async function loadMeters(db: Database, refresh = false): Promise<Map<string, Meter>> {
  const hit = cache.get(db);
  if (hit && !refresh) return hit;
  const rows = await withPlatform(db, (tx) => tx.select().from(platformSchema.meters));
  const map = new Map(rows.map((r) => [r.code, r]));
  cache.set(db, map);
  return map;
}

/** Looks up meters, rereading the catalog once if any code is unknown to the cache. */
export async function resolveMeters(
  db: Database,
  codes: Iterable<string>,
): Promise<Map<string, Meter>> {
  const map = await loadMeters(db);
  for (const c of codes) if (!map.has(c)) return loadMeters(db, true);
  return map;
}
