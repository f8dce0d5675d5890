CREATE TABLE "audit_chain" (
	"id" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"last_pos" bigint DEFAULT 0 NOT NULL,
	"last_hash" text DEFAULT '' NOT NULL,
	"anchor_pos" bigint DEFAULT 0 NOT NULL,
	"anchor_hash" text DEFAULT '' NOT NULL,
	"sealed_at" timestamp with time zone,
	"purged_at" timestamp with time zone,
	CONSTRAINT "audit_chain_single_row" CHECK ("audit_chain"."id")
);
--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "xid" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "chain_pos" bigint;--> statement-breakpoint
CREATE INDEX "audit_log_pending_index" ON "audit_log" USING btree ("xid","seq") WHERE chain_pos is null;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_chainPos_unique" UNIQUE("chain_pos");
--> statement-breakpoint
-- Hand-written: the request path's roles append records but never set the sealer's columns
-- (a forged chain_pos would block sealing); the owner (imports, the sealer) is exempt.
CREATE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
    NEW.xid := pg_current_xact_id();
    NEW.chain_pos := NULL;
    NEW.hash := NULL;
    NEW.sealed_at := NULL;
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_log_guard BEFORE INSERT ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_guard();
--> statement-breakpoint
INSERT INTO audit_chain DEFAULT VALUES;
--> statement-breakpoint
-- Only the owner (the sealer) may touch the chain head; default privileges gave the tenant role all.
DO $$ BEGIN
  EXECUTE format('REVOKE ALL ON audit_chain FROM %I', current_setting('zhengyun.tenant_role'));
END $$;
