CREATE TABLE "cs_bookings" (
	"id" text PRIMARY KEY NOT NULL,
	"slot_id" text NOT NULL,
	"resident_name" text NOT NULL,
	"phone" text NOT NULL,
	"user_id" text,
	"status" text DEFAULT 'booked' NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"cancelled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "cs_centres" (
	"id" text PRIMARY KEY NOT NULL,
	"parent_id" text,
	"level" text NOT NULL,
	"path" text NOT NULL,
	"name" text NOT NULL,
	"address" text,
	"lat" double precision,
	"long" double precision,
	"opening_hours" text,
	"contact" text,
	"area" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cs_notices" (
	"id" text PRIMARY KEY NOT NULL,
	"centre_id" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"published_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cs_request_updates" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"request_id" bigint NOT NULL,
	"state" text NOT NULL,
	"note" text NOT NULL,
	"centre_id" text NOT NULL,
	"actor_id" text,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cs_requests" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"token" text NOT NULL,
	"service_code" text NOT NULL,
	"channel" text NOT NULL,
	"description" text,
	"lat" double precision,
	"long" double precision,
	"address" text,
	"address_id" text,
	"zipcode" text,
	"media_url" text,
	"media_key" text,
	"contact" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"centre_id" text NOT NULL,
	"state" text DEFAULT 'received' NOT NULL,
	"escalations" integer DEFAULT 0 NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"merged_into" bigint,
	"rating" integer,
	"rating_comment" text,
	"called_back_at" timestamp with time zone,
	"requested_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "cs_requests_token_unique" UNIQUE("token")
);
--> statement-breakpoint
CREATE TABLE "cs_services" (
	"code" text PRIMARY KEY NOT NULL,
	"group" text,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"description" text,
	"keywords" text,
	"level" text NOT NULL,
	"sla_unit" text NOT NULL,
	"sla_amount" integer NOT NULL,
	"attributes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"active" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cs_slots" (
	"id" text PRIMARY KEY NOT NULL,
	"centre_id" text NOT NULL,
	"service_code" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"capacity" integer NOT NULL,
	"booked" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cs_staff" (
	"user_id" text NOT NULL,
	"centre_id" text NOT NULL,
	CONSTRAINT "cs_staff_user_id_centre_id_pk" PRIMARY KEY("user_id","centre_id")
);
--> statement-breakpoint
CREATE INDEX "cs_bookings_slot_id_index" ON "cs_bookings" USING btree ("slot_id");--> statement-breakpoint
CREATE INDEX "cs_centres_path_index" ON "cs_centres" USING btree ("path");--> statement-breakpoint
CREATE INDEX "cs_centres_parent_id_index" ON "cs_centres" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "cs_notices_centre_id_index" ON "cs_notices" USING btree ("centre_id");--> statement-breakpoint
CREATE INDEX "cs_request_updates_request_id_index" ON "cs_request_updates" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "cs_request_updates_at_index" ON "cs_request_updates" USING btree ("at");--> statement-breakpoint
CREATE INDEX "cs_requests_requested_at_index" ON "cs_requests" USING btree ("requested_at");--> statement-breakpoint
CREATE INDEX "cs_requests_service_code_requested_at_index" ON "cs_requests" USING btree ("service_code","requested_at");--> statement-breakpoint
CREATE INDEX "cs_requests_state_due_at_index" ON "cs_requests" USING btree ("state","due_at");--> statement-breakpoint
CREATE INDEX "cs_requests_centre_id_index" ON "cs_requests" USING btree ("centre_id");--> statement-breakpoint
CREATE INDEX "cs_slots_centre_id_starts_at_index" ON "cs_slots" USING btree ("centre_id","starts_at");