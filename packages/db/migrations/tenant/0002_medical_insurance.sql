CREATE TABLE "mi_accumulators" (
	"person_id" text NOT NULL,
	"year" integer NOT NULL,
	"outpatient_dedc_used" bigint DEFAULT 0 NOT NULL,
	"inpatient_dedc_used" bigint DEFAULT 0 NOT NULL,
	"fund_paid" bigint DEFAULT 0 NOT NULL,
	"admissions" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "mi_accumulators_person_id_year_pk" PRIMARY KEY("person_id","year")
);
--> statement-breakpoint
CREATE TABLE "mi_contributions" (
	"id" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"period" text NOT NULL,
	"kind" text NOT NULL,
	"base" bigint DEFAULT 0 NOT NULL,
	"employer_amount" bigint DEFAULT 0 NOT NULL,
	"employee_amount" bigint DEFAULT 0 NOT NULL,
	"account_credit" bigint DEFAULT 0 NOT NULL,
	"individual_amount" bigint DEFAULT 0 NOT NULL,
	"subsidy_amount" bigint DEFAULT 0 NOT NULL,
	"paid_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mi_contributions_personId_period_unique" UNIQUE("person_id","period")
);
--> statement-breakpoint
CREATE TABLE "mi_employers" (
	"id" text PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mi_employers_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "mi_institutions" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"level" text NOT NULL,
	"type" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mi_parameters" (
	"id" text PRIMARY KEY NOT NULL,
	"year" integer NOT NULL,
	"scheme" text NOT NULL,
	"effective_from" date NOT NULL,
	"params" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mi_parameters_year_scheme_effectiveFrom_unique" UNIQUE("year","scheme","effective_from")
);
--> statement-breakpoint
CREATE TABLE "mi_person_status_history" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"status" text NOT NULL,
	"reason" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mi_persons" (
	"id" text PRIMARY KEY NOT NULL,
	"national_id" text NOT NULL,
	"name" text NOT NULL,
	"sex" text NOT NULL,
	"birth_date" date NOT NULL,
	"scheme" text NOT NULL,
	"employment" text NOT NULL,
	"employer_id" text,
	"status" text DEFAULT 'active' NOT NULL,
	"account_balance" bigint DEFAULT 0 NOT NULL,
	"covered_through" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mi_persons_nationalId_unique" UNIQUE("national_id")
);
--> statement-breakpoint
CREATE TABLE "mi_reviews" (
	"settlement_id" text PRIMARY KEY NOT NULL,
	"rule" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"reason_code" text,
	"note" text,
	"reviewer_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "mi_settlements" (
	"id" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"institution_code" text NOT NULL,
	"visit_type" text NOT NULL,
	"visit_date" date NOT NULL,
	"year" integer NOT NULL,
	"admission_no" integer,
	"medfee_sumamt" bigint DEFAULT 0 NOT NULL,
	"fulamt_ownpay_amt" bigint DEFAULT 0 NOT NULL,
	"preselfpay_amt" bigint DEFAULT 0 NOT NULL,
	"inscp_scp_amt" bigint DEFAULT 0 NOT NULL,
	"act_pay_dedc" bigint DEFAULT 0 NOT NULL,
	"hifp_pay" bigint DEFAULT 0 NOT NULL,
	"acct_pay" bigint DEFAULT 0 NOT NULL,
	"psn_cash_pay" bigint DEFAULT 0 NOT NULL,
	"fund_pay_sumamt" bigint DEFAULT 0 NOT NULL,
	"psn_part_amt" bigint DEFAULT 0 NOT NULL,
	"items" jsonb NOT NULL,
	"status" text DEFAULT 'settled' NOT NULL,
	"external_ref" text,
	"batch_id" text,
	"settled_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reversed_at" timestamp with time zone,
	CONSTRAINT "mi_settlements_externalRef_unique" UNIQUE("external_ref")
);
--> statement-breakpoint
CREATE INDEX "mi_person_status_history_person_id_index" ON "mi_person_status_history" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "mi_persons_name_index" ON "mi_persons" USING btree ("name");--> statement-breakpoint
CREATE INDEX "mi_persons_employer_id_index" ON "mi_persons" USING btree ("employer_id");--> statement-breakpoint
CREATE INDEX "mi_reviews_status_created_at_index" ON "mi_reviews" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "mi_settlements_person_id_year_index" ON "mi_settlements" USING btree ("person_id","year");--> statement-breakpoint
CREATE INDEX "mi_settlements_institution_code_visit_date_index" ON "mi_settlements" USING btree ("institution_code","visit_date");--> statement-breakpoint
CREATE INDEX "mi_settlements_batch_id_index" ON "mi_settlements" USING btree ("batch_id");