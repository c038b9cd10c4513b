CREATE TABLE "chain_cursors" (
	"name" text PRIMARY KEY NOT NULL,
	"block_number" numeric(78, 0) NOT NULL,
	"block_hash" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_payments" (
	"job_id" uuid PRIMARY KEY NOT NULL,
	"payer" text NOT NULL,
	"price_per_work_unit" numeric(78, 0) NOT NULL,
	"fee_bps" integer NOT NULL,
	"reserved" numeric(78, 0) NOT NULL,
	"spent" numeric(78, 0) DEFAULT '0' NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"refunded" numeric(78, 0),
	"settled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "job_payments_status_check" CHECK ("job_payments"."status" IN ('open', 'settled'))
);
--> statement-breakpoint
CREATE TABLE "ledger_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"address" text,
	"volunteer_id" uuid,
	"job_id" uuid,
	"result_id" uuid,
	"amount" numeric(78, 0) NOT NULL,
	"epoch" integer,
	"block_number" numeric(78, 0),
	"block_hash" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_entries_kind_check" CHECK ("ledger_entries"."kind" IN ('deposit', 'grant', 'withdrawal', 'payment', 'fee'))
);
--> statement-breakpoint
ALTER TABLE "reward_epochs" ADD COLUMN "grants" numeric(78, 0) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "job_payments" ADD CONSTRAINT "job_payments_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_volunteer_id_volunteers_id_fk" FOREIGN KEY ("volunteer_id") REFERENCES "public"."volunteers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_result_id_results_id_fk" FOREIGN KEY ("result_id") REFERENCES "public"."results"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "job_payments_payer_idx" ON "job_payments" USING btree ("payer","status");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_entries_key" ON "ledger_entries" USING btree ("key");--> statement-breakpoint
CREATE INDEX "ledger_entries_address_idx" ON "ledger_entries" USING btree ("address","kind");--> statement-breakpoint
CREATE INDEX "ledger_entries_volunteer_idx" ON "ledger_entries" USING btree ("volunteer_id");--> statement-breakpoint
CREATE INDEX "ledger_entries_job_idx" ON "ledger_entries" USING btree ("job_id");