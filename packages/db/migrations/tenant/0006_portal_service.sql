CREATE TABLE "portal_consultations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"tracking" text NOT NULL,
	"citizen_id" text NOT NULL,
	"name" text NOT NULL,
	"subject" text NOT NULL,
	"question" text NOT NULL,
	"department" text NOT NULL,
	"item_code" text,
	"state" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"escalations" integer DEFAULT 0 NOT NULL,
	"escalated_at" timestamp with time zone,
	"answer" text,
	"answered_at" timestamp with time zone,
	"answered_by" text,
	"published" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "portal_consultations_tracking_unique" UNIQUE("tracking")
);
--> statement-breakpoint
CREATE TABLE "portal_payments" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"reference" text NOT NULL,
	"application_id" bigint NOT NULL,
	"amount_fen" bigint NOT NULL,
	"provider" text NOT NULL,
	"state" text NOT NULL,
	"method" text,
	"bank_reference" text,
	"confirmed_by" text,
	"paid_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "portal_payments_reference_unique" UNIQUE("reference"),
	CONSTRAINT "portal_payments_applicationId_unique" UNIQUE("application_id")
);
--> statement-breakpoint
CREATE INDEX "portal_consultations_state_due_at_index" ON "portal_consultations" USING btree ("state","due_at");