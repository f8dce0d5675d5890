-- Room on each page for HOT updates: settlements rewrite a person's year-to-date accumulators (and
-- often the personal account balance) on every claim; with full pages each update also inserts into
-- every index. Applies to pages written from now on.
ALTER TABLE "mi_accumulators" SET (fillfactor = 50);--> statement-breakpoint
ALTER TABLE "mi_persons" SET (fillfactor = 85);
