CREATE TABLE "portal_application_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"application_id" bigint NOT NULL,
	"state" text NOT NULL,
	"action" text NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"actor_id" text,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "portal_applications" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tracking" text NOT NULL,
	"item_code" text NOT NULL,
	"applicant_id" text NOT NULL,
	"applicant_name" text NOT NULL,
	"form" jsonb NOT NULL,
	"materials" jsonb NOT NULL,
	"state" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone,
	"deemed_accepted" boolean DEFAULT false NOT NULL,
	"suspended_days" integer DEFAULT 0 NOT NULL,
	"suspended_since" timestamp with time zone,
	"due_at" timestamp with time zone,
	"decision" text,
	"rating" integer,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "portal_applications_tracking_unique" UNIQUE("tracking")
);
--> statement-breakpoint
CREATE TABLE "portal_calendar_days" (
	"day" date PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "portal_certificates" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"number" text NOT NULL,
	"application_id" bigint NOT NULL,
	"holder" text NOT NULL,
	"item_name" text NOT NULL,
	"issuing_body" text NOT NULL,
	"valid_from" date NOT NULL,
	"valid_until" date,
	"revoked_at" timestamp with time zone,
	"revoked_reason" text,
	"issued_at" timestamp with time zone NOT NULL,
	CONSTRAINT "portal_certificates_code_unique" UNIQUE("code"),
	CONSTRAINT "portal_certificates_number_unique" UNIQUE("number"),
	CONSTRAINT "portal_certificates_applicationId_unique" UNIQUE("application_id")
);
--> statement-breakpoint
CREATE TABLE "portal_followups" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"application_id" bigint NOT NULL,
	"rating" integer NOT NULL,
	"comment" text DEFAULT '' NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "portal_items" (
	"code" text PRIMARY KEY NOT NULL,
	"parent_code" text,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"implementing_body" text NOT NULL,
	"department" text NOT NULL,
	"legal_basis" text NOT NULL,
	"conditions" text NOT NULL,
	"materials" jsonb NOT NULL,
	"steps" jsonb NOT NULL,
	"immediate" boolean NOT NULL,
	"legal_days" integer NOT NULL,
	"promised_days" integer NOT NULL,
	"fee_fen" bigint DEFAULT 0 NOT NULL,
	"visits" integer NOT NULL,
	"online" boolean NOT NULL,
	"contact" text NOT NULL,
	"complaints" text NOT NULL,
	"fields" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "portal_application_events_application_id_index" ON "portal_application_events" USING btree ("application_id");--> statement-breakpoint
CREATE INDEX "portal_applications_state_due_at_index" ON "portal_applications" USING btree ("state","due_at");--> statement-breakpoint
CREATE INDEX "portal_applications_applicant_id_index" ON "portal_applications" USING btree ("applicant_id");