import type { Database } from "@zhengyun/db";
import { outboxUsageSink } from "@zhengyun/metering";

export interface RelayedEvent {
  eventId: string;
  meter: string;
  quantity: string;
  occurredAt: Date;
}

/**
 * Where relayed usage goes in the control plane. Must be idempotent on (tenant, "outbox", event id)
 * and return how many events were new.
 */
export type UsageSink = (db: Database, tenantId: string, events: RelayedEvent[]) => Promise<number>;

/**
 * The default sink: metering's ingest verb, so relayed events land with their rollups and dedupe
 * keys exactly as events from the ingestion API do (source "outbox").
 */
export const platformUsageSink: UsageSink = (db, tenantId, events) =>
  outboxUsageSink(db, tenantId, events);
