CREATE TYPE "platform"."charge_kind" AS ENUM('one_off', 'adjustment');--> statement-breakpoint
CREATE TYPE "platform"."equipment_status" AS ENUM('in_service', 'under_repair', 'retired');--> statement-breakpoint
CREATE TYPE "platform"."overage_model" AS ENUM('per_unit', 'graduated', 'package');--> statement-breakpoint
CREATE TYPE "platform"."credit_note_status" AS ENUM('draft', 'issued');--> statement-breakpoint
CREATE TYPE "platform"."invoice_line_kind" AS ENUM('rental', 'usage', 'equipment', 'one_off', 'adjustment');--> statement-breakpoint
CREATE TYPE "platform"."invoice_status" AS ENUM('draft', 'approved', 'issued', 'void');--> statement-breakpoint
CREATE TYPE "platform"."payment_method" AS ENUM('bank_transfer', 'stripe');--> statement-breakpoint
CREATE TABLE "platform"."billing_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"period" date NOT NULL,
	"actor_id" text,
	"invoices" integer NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "platform"."equipment" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"item" text NOT NULL,
	"serial" text NOT NULL,
	"location" text NOT NULL,
	"acquisition_cost_fen" bigint NOT NULL,
	"residual_value_fen" bigint NOT NULL,
	"installed_on" date NOT NULL,
	"retired_on" date,
	"renewal_cycle_months" integer NOT NULL,
	"status" "platform"."equipment_status" DEFAULT 'in_service' NOT NULL,
	"tax_category" text DEFAULT 'equipment_leasing' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "equipment_serial_unique" UNIQUE("serial")
);
--> statement-breakpoint
CREATE TABLE "platform"."quota_alerts" (
	"tenant_id" text NOT NULL,
	"meter" text NOT NULL,
	"period" date NOT NULL,
	"threshold_pct" integer NOT NULL,
	"notified_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "quota_alerts_tenant_id_meter_period_threshold_pct_pk" PRIMARY KEY("tenant_id","meter","period","threshold_pct")
);
--> statement-breakpoint
CREATE TABLE "platform"."subscriptions" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"contract_id" text NOT NULL,
	"module" text NOT NULL,
	"price_level" "platform"."tenant_level" NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "platform"."tenant_charges" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"kind" "platform"."charge_kind" NOT NULL,
	"fee_code" text,
	"description" text NOT NULL,
	"amount_fen" bigint NOT NULL,
	"tax_category" text NOT NULL,
	"charge_on" date NOT NULL,
	"details" jsonb,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "platform"."billing_modules" (
	"code" text PRIMARY KEY NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"tax_category" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "platform"."contract_modules" (
	"contract_id" text NOT NULL,
	"module" text NOT NULL,
	"monthly_fen_override" bigint,
	"discount_bp" integer,
	CONSTRAINT "contract_modules_contract_id_module_pk" PRIMARY KEY("contract_id","module")
);
--> statement-breakpoint
CREATE TABLE "platform"."contracts" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date,
	"accrue_while_suspended" boolean DEFAULT true NOT NULL,
	"discount_bp" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "platform"."one_off_fees" (
	"code" text PRIMARY KEY NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"amount_fen" bigint NOT NULL,
	"tax_category" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "platform"."price_meter_rules" (
	"price_version_id" text NOT NULL,
	"meter" text NOT NULL,
	"included_quantity" numeric DEFAULT '0' NOT NULL,
	"model" "platform"."overage_model" NOT NULL,
	"unit_price_fen" numeric,
	"tiers" jsonb,
	"package_size" numeric,
	"package_price_fen" bigint,
	CONSTRAINT "price_meter_rules_price_version_id_meter_pk" PRIMARY KEY("price_version_id","meter")
);
--> statement-breakpoint
CREATE TABLE "platform"."price_versions" (
	"id" text PRIMARY KEY NOT NULL,
	"module" text NOT NULL,
	"version" integer NOT NULL,
	"effective_from" date NOT NULL,
	"effective_to" date,
	"rental_city_fen" bigint NOT NULL,
	"rental_district_fen" bigint NOT NULL,
	"rental_street_fen" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "price_versions_module_version_unique" UNIQUE("module","version")
);
--> statement-breakpoint
CREATE TABLE "platform"."tax_categories" (
	"code" text PRIMARY KEY NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "platform"."tax_rates" (
	"id" text PRIMARY KEY NOT NULL,
	"category" text NOT NULL,
	"rate_bp" integer NOT NULL,
	"effective_from" date NOT NULL,
	"effective_to" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tax_rates_category_effectiveFrom_unique" UNIQUE("category","effective_from")
);
--> statement-breakpoint
CREATE TABLE "platform"."credit_note_lines" (
	"id" text PRIMARY KEY NOT NULL,
	"credit_note_id" text NOT NULL,
	"invoice_line_id" text,
	"position" integer NOT NULL,
	"description" text NOT NULL,
	"amount_fen" bigint NOT NULL,
	"tax_rate_bp" integer NOT NULL,
	"tax_fen" bigint NOT NULL,
	CONSTRAINT "credit_note_lines_creditNoteId_position_unique" UNIQUE("credit_note_id","position")
);
--> statement-breakpoint
CREATE TABLE "platform"."credit_notes" (
	"id" text PRIMARY KEY NOT NULL,
	"invoice_id" text NOT NULL,
	"tenant_id" text NOT NULL,
	"number" text,
	"status" "platform"."credit_note_status" DEFAULT 'draft' NOT NULL,
	"reason" text NOT NULL,
	"subtotal_fen" bigint NOT NULL,
	"tax_fen" bigint NOT NULL,
	"total_fen" bigint NOT NULL,
	"snapshot" jsonb,
	"pdf_object_key" text,
	"created_by" text,
	"issued_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credit_notes_number_unique" UNIQUE("number")
);
--> statement-breakpoint
CREATE TABLE "platform"."invoice_adjustments" (
	"id" text PRIMARY KEY NOT NULL,
	"invoice_id" text NOT NULL,
	"line_id" text NOT NULL,
	"delta_fen" bigint NOT NULL,
	"tax_delta_fen" bigint NOT NULL,
	"reason" text NOT NULL,
	"actor_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "platform"."invoice_lines" (
	"id" text PRIMARY KEY NOT NULL,
	"invoice_id" text NOT NULL,
	"position" integer NOT NULL,
	"kind" "platform"."invoice_line_kind" NOT NULL,
	"description" text NOT NULL,
	"quantity" numeric NOT NULL,
	"unit_price_fen" numeric NOT NULL,
	"amount_fen" bigint NOT NULL,
	"tax_category" text NOT NULL,
	"tax_rate_bp" integer NOT NULL,
	"tax_fen" bigint NOT NULL,
	"module" text,
	"meter" text,
	"equipment_id" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "invoice_lines_invoiceId_position_unique" UNIQUE("invoice_id","position")
);
--> statement-breakpoint
CREATE TABLE "platform"."invoices" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"period" date NOT NULL,
	"status" "platform"."invoice_status" DEFAULT 'draft' NOT NULL,
	"number" text,
	"currency" text DEFAULT 'CNY' NOT NULL,
	"subtotal_fen" bigint NOT NULL,
	"tax_fen" bigint NOT NULL,
	"total_fen" bigint NOT NULL,
	"flags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"run_id" text,
	"snapshot" jsonb,
	"pdf_object_key" text,
	"due_on" date,
	"approved_at" timestamp with time zone,
	"approved_by" text,
	"issued_at" timestamp with time zone,
	"issued_by" text,
	"voided_at" timestamp with time zone,
	"stripe_invoice_id" text,
	"stripe_status" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invoices_number_unique" UNIQUE("number"),
	CONSTRAINT "invoices_stripeInvoiceId_unique" UNIQUE("stripe_invoice_id")
);
--> statement-breakpoint
CREATE TABLE "platform"."numbering_counters" (
	"series" text NOT NULL,
	"year" integer NOT NULL,
	"next_value" bigint DEFAULT 1 NOT NULL,
	CONSTRAINT "numbering_counters_series_year_pk" PRIMARY KEY("series","year")
);
--> statement-breakpoint
CREATE TABLE "platform"."payment_reminders" (
	"invoice_id" text NOT NULL,
	"stage_days" integer NOT NULL,
	"queued_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payment_reminders_invoice_id_stage_days_pk" PRIMARY KEY("invoice_id","stage_days")
);
--> statement-breakpoint
CREATE TABLE "platform"."payments" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"invoice_id" text,
	"method" "platform"."payment_method" NOT NULL,
	"reference" text NOT NULL,
	"amount_fen" bigint NOT NULL,
	"received_on" date NOT NULL,
	"recorded_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payments_tenantId_method_reference_unique" UNIQUE("tenant_id","method","reference")
);
--> statement-breakpoint
CREATE TABLE "platform"."stripe_customers" (
	"tenant_id" text PRIMARY KEY NOT NULL,
	"stripe_customer_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stripe_customers_stripeCustomerId_unique" UNIQUE("stripe_customer_id")
);
--> statement-breakpoint
CREATE TABLE "platform"."stripe_events" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"created_unix" bigint NOT NULL,
	"object_id" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "platform"."billing_modules" ADD CONSTRAINT "billing_modules_tax_category_tax_categories_code_fk" FOREIGN KEY ("tax_category") REFERENCES "platform"."tax_categories"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform"."contract_modules" ADD CONSTRAINT "contract_modules_contract_id_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "platform"."contracts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform"."contract_modules" ADD CONSTRAINT "contract_modules_module_billing_modules_code_fk" FOREIGN KEY ("module") REFERENCES "platform"."billing_modules"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform"."one_off_fees" ADD CONSTRAINT "one_off_fees_tax_category_tax_categories_code_fk" FOREIGN KEY ("tax_category") REFERENCES "platform"."tax_categories"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform"."price_meter_rules" ADD CONSTRAINT "price_meter_rules_price_version_id_price_versions_id_fk" FOREIGN KEY ("price_version_id") REFERENCES "platform"."price_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform"."price_versions" ADD CONSTRAINT "price_versions_module_billing_modules_code_fk" FOREIGN KEY ("module") REFERENCES "platform"."billing_modules"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform"."tax_rates" ADD CONSTRAINT "tax_rates_category_tax_categories_code_fk" FOREIGN KEY ("category") REFERENCES "platform"."tax_categories"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform"."credit_note_lines" ADD CONSTRAINT "credit_note_lines_credit_note_id_credit_notes_id_fk" FOREIGN KEY ("credit_note_id") REFERENCES "platform"."credit_notes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform"."credit_note_lines" ADD CONSTRAINT "credit_note_lines_invoice_line_id_invoice_lines_id_fk" FOREIGN KEY ("invoice_line_id") REFERENCES "platform"."invoice_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform"."credit_notes" ADD CONSTRAINT "credit_notes_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "platform"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform"."invoice_adjustments" ADD CONSTRAINT "invoice_adjustments_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "platform"."invoices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform"."invoice_adjustments" ADD CONSTRAINT "invoice_adjustments_line_id_invoice_lines_id_fk" FOREIGN KEY ("line_id") REFERENCES "platform"."invoice_lines"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform"."invoice_lines" ADD CONSTRAINT "invoice_lines_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "platform"."invoices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform"."payment_reminders" ADD CONSTRAINT "payment_reminders_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "platform"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform"."payments" ADD CONSTRAINT "payments_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "platform"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "billing_runs_period_index" ON "platform"."billing_runs" USING btree ("period");--> statement-breakpoint
CREATE INDEX "equipment_tenant_id_index" ON "platform"."equipment" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "subscriptions_tenant_id_module_index" ON "platform"."subscriptions" USING btree ("tenant_id","module");--> statement-breakpoint
CREATE INDEX "tenant_charges_tenant_id_charge_on_index" ON "platform"."tenant_charges" USING btree ("tenant_id","charge_on");--> statement-breakpoint
CREATE INDEX "contracts_tenant_id_starts_on_index" ON "platform"."contracts" USING btree ("tenant_id","starts_on");--> statement-breakpoint
CREATE INDEX "price_versions_module_effective_from_index" ON "platform"."price_versions" USING btree ("module","effective_from");--> statement-breakpoint
CREATE INDEX "credit_notes_invoice_id_index" ON "platform"."credit_notes" USING btree ("invoice_id");--> statement-breakpoint
CREATE INDEX "credit_notes_tenant_id_index" ON "platform"."credit_notes" USING btree ("tenant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_tenant_period_live" ON "platform"."invoices" USING btree ("tenant_id","period") WHERE status <> 'void';--> statement-breakpoint
CREATE INDEX "invoices_period_status_index" ON "platform"."invoices" USING btree ("period","status");--> statement-breakpoint
CREATE INDEX "payments_invoice_id_index" ON "platform"."payments" USING btree ("invoice_id");