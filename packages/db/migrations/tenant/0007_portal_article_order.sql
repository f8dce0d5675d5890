DROP INDEX "portal_articles_state_channel_published_at_index";--> statement-breakpoint
CREATE INDEX "portal_articles_state_channel_published_at_id_index" ON "portal_articles" USING btree ("state","channel","published_at","id");--> statement-breakpoint
CREATE INDEX "portal_articles_state_published_at_id_index" ON "portal_articles" USING btree ("state","published_at","id");