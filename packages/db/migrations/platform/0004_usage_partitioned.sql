-- Written by hand: drizzle-kit does not model partitioning (the snapshot matches the schema).
-- Raw usage events become range-partitioned by month of occurred_at, so old months can be
-- detached and archived. Their dedupe key lives in platform.usage_event_keys (0003).
ALTER TABLE "platform"."usage_events" RENAME TO "usage_events_unpartitioned";--> statement-breakpoint
CREATE TABLE "platform"."usage_events" (
	"tenant_id" text NOT NULL,
	"source" text NOT NULL,
	"event_id" text NOT NULL,
	"meter" text NOT NULL,
	"quantity" numeric NOT NULL,
	"subject_key" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"late" boolean DEFAULT false NOT NULL
) PARTITION BY RANGE ("occurred_at");--> statement-breakpoint
CREATE INDEX "usage_events_tenant_id_meter_occurred_at_index" ON "platform"."usage_events" USING btree ("tenant_id","meter","occurred_at");--> statement-breakpoint
-- Creates the UTC month partition holding `at` if missing. SECURITY DEFINER: the runtime role
-- owns nothing, yet the ingest path must be able to open next month's partition.
CREATE FUNCTION "platform"."usage_ensure_partition"(at timestamptz) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
	lo timestamp := date_trunc('month', at AT TIME ZONE 'UTC');
	part text := 'usage_events_' || to_char(lo, 'YYYYMM');
BEGIN
	IF to_regclass('platform.' || part) IS NOT NULL THEN RETURN; END IF;
	PERFORM pg_advisory_xact_lock(hashtext('zhengyun:usage_partitions'));
	IF to_regclass('platform.' || part) IS NOT NULL THEN RETURN; END IF;
	EXECUTE format('CREATE TABLE platform.%I PARTITION OF platform.usage_events FOR VALUES FROM (%L) TO (%L)',
		part, lo AT TIME ZONE 'UTC', (lo + interval '1 month') AT TIME ZONE 'UTC');
END $$;--> statement-breakpoint
DO $$
DECLARE m timestamptz;
BEGIN
	FOR m IN SELECT generate_series(now() - interval '3 months', now() + interval '2 months', interval '1 month')
		UNION SELECT DISTINCT occurred_at FROM platform.usage_events_unpartitioned
	LOOP
		PERFORM platform.usage_ensure_partition(m);
	END LOOP;
END $$;--> statement-breakpoint
-- Carry over what the placeholder table held, once per key, with its keys and rollups.
DELETE FROM "platform"."usage_events_unpartitioned" a USING "platform"."usage_events_unpartitioned" b
WHERE a."tenant_id" = b."tenant_id" AND a."source" = b."source" AND a."event_id" = b."event_id" AND a.ctid > b.ctid;--> statement-breakpoint
INSERT INTO "platform"."usage_event_keys" ("tenant_id", "source", "event_id", "occurred_at")
SELECT "tenant_id", "source", "event_id", "occurred_at" FROM "platform"."usage_events_unpartitioned"
ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "platform"."usage_events" ("tenant_id", "source", "event_id", "meter", "quantity", "occurred_at", "received_at")
SELECT "tenant_id", "source", "event_id", "meter", "quantity", "occurred_at", "received_at" FROM "platform"."usage_events_unpartitioned";--> statement-breakpoint
INSERT INTO "platform"."usage_hourly" ("tenant_id", "meter", "hour", "quantity", "events", "max_quantity", "latest_at", "latest_quantity")
SELECT "tenant_id", "meter", date_trunc('hour', "occurred_at"), sum("quantity"), count(*), max("quantity"), max("occurred_at"),
	(array_agg("quantity" ORDER BY "occurred_at" DESC))[1]
FROM "platform"."usage_events_unpartitioned" GROUP BY 1, 2, 3;--> statement-breakpoint
INSERT INTO "platform"."usage_daily" ("tenant_id", "meter", "day", "quantity", "events", "max_quantity", "latest_at", "latest_quantity")
SELECT "tenant_id", "meter", ("occurred_at" AT TIME ZONE 'Asia/Shanghai')::date, sum("quantity"), count(*), max("quantity"), max("occurred_at"),
	(array_agg("quantity" ORDER BY "occurred_at" DESC))[1]
FROM "platform"."usage_events_unpartitioned" GROUP BY 1, 2, 3;--> statement-breakpoint
DROP TABLE "platform"."usage_events_unpartitioned";
