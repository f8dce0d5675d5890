CREATE TYPE "platform"."meter_aggregation" AS ENUM('sum', 'count', 'max', 'unique_count', 'latest');--> statement-breakpoint
CREATE TABLE "platform"."meters" (
	"code" text PRIMARY KEY NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"unit" text NOT NULL,
	"aggregation" "platform"."meter_aggregation" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "platform"."usage_closed" (
	"tenant_id" text PRIMARY KEY NOT NULL,
	"closed_through" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "platform"."usage_daily" (
	"tenant_id" text NOT NULL,
	"meter" text NOT NULL,
	"quantity" numeric NOT NULL,
	"events" bigint NOT NULL,
	"max_quantity" numeric NOT NULL,
	"latest_at" timestamp with time zone NOT NULL,
	"latest_quantity" numeric NOT NULL,
	"day" date NOT NULL,
	CONSTRAINT "usage_daily_tenant_id_meter_day_pk" PRIMARY KEY("tenant_id","meter","day")
);
--> statement-breakpoint
CREATE TABLE "platform"."usage_event_keys" (
	"tenant_id" text NOT NULL,
	"source" text NOT NULL,
	"event_id" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	CONSTRAINT "usage_event_keys_tenant_id_source_event_id_pk" PRIMARY KEY("tenant_id","source","event_id")
);
--> statement-breakpoint
CREATE TABLE "platform"."usage_hourly" (
	"tenant_id" text NOT NULL,
	"meter" text NOT NULL,
	"quantity" numeric NOT NULL,
	"events" bigint NOT NULL,
	"max_quantity" numeric NOT NULL,
	"latest_at" timestamp with time zone NOT NULL,
	"latest_quantity" numeric NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	CONSTRAINT "usage_hourly_tenant_id_meter_hour_pk" PRIMARY KEY("tenant_id","meter","hour")
);
--> statement-breakpoint
CREATE TABLE "platform"."usage_monthly_uniques" (
	"tenant_id" text NOT NULL,
	"meter" text NOT NULL,
	"month" date NOT NULL,
	"key" text NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	CONSTRAINT "usage_monthly_uniques_tenant_id_meter_month_key_pk" PRIMARY KEY("tenant_id","meter","month","key")
);
