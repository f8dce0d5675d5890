import { type Clock, systemClock, ValidationError } from "@zhengyun/core";
import { type Database, platformSchema } from "@zhengyun/db";
import type { ObjectStore } from "@zhengyun/storage";
import { withPlatform } from "@zhengyun/tenancy";
import { and, inArray } from "drizzle-orm";
import { type IngestResult, ingestEvents } from "./ingest.ts";
import { addDays, dayStart, isDate } from "./time.ts";

export interface StorageSnapshot {
  tenantId: string;
  slug: string;
  bytes: number;
  status: IngestResult["status"];
}

export const SNAPSHOT_SOURCE = "storage-snapshot";

/**
 * Records storage.bytes for every live tenant for one Asia/Shanghai day. The event id is the day,
 * so a re-run (a retried job) is a duplicate and keeps the first reading. The reading is dated at
 * the end of the day, or now when the day is not over yet.
 */
export async function snapshotStorage(
  db: Database,
  storage: Pick<ObjectStore, "totalBytes">,
  day: string,
  opts: {
    clock?: Clock /** Only these tenant ids (a sharded job); default every live tenant. */;
    tenantIds?: string[];
  } = {},
): Promise<StorageSnapshot[]> {
  if (!isDate(day)) throw new ValidationError("day must be a YYYY-MM-DD date");
  const clock = opts.clock ?? systemClock;
  const endOfDay = dayStart(addDays(day, 1)).getTime() - 1;
  const time = new Date(Math.min(endOfDay, clock.now().getTime()));
  const { tenants } = platformSchema;
  const live = await withPlatform(db, (tx) =>
    tx
      .select({ id: tenants.id, slug: tenants.slug })
      .from(tenants)
      .where(
        and(
          inArray(tenants.status, ["active", "suspended"]),
          opts.tenantIds ? inArray(tenants.id, opts.tenantIds) : undefined,
        ),
      ),
  );
  const out: StorageSnapshot[] = [];
  for (const t of live) {
    const bytes = await storage.totalBytes(t.id);
    const [res] = await ingestEvents(
      db,
      {
        tenantId: t.id,
        source: SNAPSHOT_SOURCE,
        events: [{ id: day, meter: "storage.bytes", quantity: bytes, time }],
      },
      { clock },
    );
    out.push({ tenantId: t.id, slug: t.slug, bytes, status: res?.status ?? "duplicate" });
  }
  return out;
}
