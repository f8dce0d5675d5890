DROP INDEX "mi_settlements_batch_id_index";--> statement-breakpoint
ALTER TABLE "mi_settlements" ADD COLUMN "settled_by" text;--> statement-breakpoint
ALTER TABLE "mi_settlements" ADD COLUMN "reversed_by" text;--> statement-breakpoint
ALTER TABLE "mi_settlements" ADD COLUMN "reversal_reason" text;