CREATE SCHEMA IF NOT EXISTS "platform";
--> statement-breakpoint
CREATE TYPE "platform"."tenant_level" AS ENUM('city', 'district', 'street');--> statement-breakpoint
CREATE TYPE "platform"."tenant_status" AS ENUM('provisioning', 'active', 'suspended', 'offboarded');--> statement-breakpoint
CREATE TABLE "platform"."audit_log" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"id" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_id" text,
	"actor_role" text,
	"tenant_id" text,
	"action" text NOT NULL,
	"object_type" text,
	"object_id" text,
	"result" text DEFAULT 'success' NOT NULL,
	"ip" text,
	"user_agent" text,
	"request_id" text,
	"data" jsonb,
	"hash" text,
	"sealed_at" timestamp with time zone,
	CONSTRAINT "audit_log_id_unique" UNIQUE("id")
);
--> statement-breakpoint
CREATE TABLE "platform"."tenant_domains" (
	"host" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "platform"."tenant_exports" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"slug" text NOT NULL,
	"object_key" text NOT NULL,
	"bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"retain_until" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "platform"."tenant_migrations" (
	"tenant_id" text NOT NULL,
	"idx" integer NOT NULL,
	"tag" text NOT NULL,
	"applied_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenant_migrations_tenant_id_idx_pk" PRIMARY KEY("tenant_id","idx")
);
--> statement-breakpoint
CREATE TABLE "platform"."tenants" (
	"id" text PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"level" "platform"."tenant_level" NOT NULL,
	"parent_id" text,
	"status" "platform"."tenant_status" DEFAULT 'provisioning' NOT NULL,
	"schema_name" text NOT NULL,
	"role_name" text NOT NULL,
	"suspended_at" timestamp with time zone,
	"offboarded_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenants_slug_unique" UNIQUE("slug"),
	CONSTRAINT "tenants_schemaName_unique" UNIQUE("schema_name"),
	CONSTRAINT "tenants_roleName_unique" UNIQUE("role_name")
);
--> statement-breakpoint
CREATE TABLE "platform"."usage_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"source" text NOT NULL,
	"event_id" text NOT NULL,
	"meter" text NOT NULL,
	"quantity" numeric NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "platform"."tenant_domains" ADD CONSTRAINT "tenant_domains_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform"."tenant_migrations" ADD CONSTRAINT "tenant_migrations_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_at_index" ON "platform"."audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_log_actor_id_index" ON "platform"."audit_log" USING btree ("actor_id");--> statement-breakpoint
CREATE INDEX "audit_log_action_index" ON "platform"."audit_log" USING btree ("action");--> statement-breakpoint
CREATE INDEX "tenants_status_index" ON "platform"."tenants" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "usage_events_tenant_id_source_event_id_index" ON "platform"."usage_events" USING btree ("tenant_id","source","event_id");