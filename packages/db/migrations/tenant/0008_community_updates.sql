ALTER TABLE "cs_request_updates" ADD COLUMN "note_key" text;--> statement-breakpoint
ALTER TABLE "cs_request_updates" ADD COLUMN "note_params" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "cs_request_updates" ADD COLUMN "external_id" text;--> statement-breakpoint
ALTER TABLE "cs_request_updates" ADD COLUMN "client_status" text;--> statement-breakpoint
ALTER TABLE "cs_request_updates" ADD COLUMN "reported_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cs_request_updates" ADD COLUMN "media_url" text;--> statement-breakpoint
CREATE UNIQUE INDEX "cs_request_updates_actor_id_external_id_index" ON "cs_request_updates" USING btree ("actor_id","external_id");