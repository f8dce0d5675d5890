CREATE TABLE "portal_articles" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"category" text,
	"title" text NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"body" text NOT NULL,
	"cover_key" text,
	"attachments" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"state" text NOT NULL,
	"author_id" text NOT NULL,
	"reviewer_id" text,
	"publish_at" timestamp with time zone,
	"published_at" timestamp with time zone,
	"withdrawn_reason" text,
	"search" "tsvector" DEFAULT ''::tsvector NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "portal_categories" (
	"slug" text PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "portal_channels" (
	"slug" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "portal_articles_state_channel_published_at_index" ON "portal_articles" USING btree ("state","channel","published_at");--> statement-breakpoint
CREATE INDEX "portal_articles_search_idx" ON "portal_articles" USING gin ("search");