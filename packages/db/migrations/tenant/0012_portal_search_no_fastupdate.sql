DROP INDEX "portal_articles_search_idx";--> statement-breakpoint
DROP INDEX "portal_articles_title_search_idx";--> statement-breakpoint
CREATE INDEX "portal_articles_search_idx" ON "portal_articles" USING gin ("search") WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "portal_articles_title_search_idx" ON "portal_articles" USING gin (ts_filter("search", '{a}')) WITH (fastupdate=false);