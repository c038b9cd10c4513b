CREATE TABLE "blobs" (
	"sha256" text PRIMARY KEY NOT NULL,
	"bytes" "bytea" NOT NULL,
	"size" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credits" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"result_id" uuid NOT NULL,
	"volunteer_id" uuid NOT NULL,
	"job_id" uuid NOT NULL,
	"site" text,
	"work_units" double precision NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"owner_id" uuid NOT NULL,
	"kernel" text NOT NULL,
	"params" jsonb NOT NULL,
	"title" text,
	"status" text DEFAULT 'queued' NOT NULL,
	"replication_min" integer NOT NULL,
	"replication_max" integer NOT NULL,
	"shards_total" integer NOT NULL,
	"shards_verified" integer DEFAULT 0 NOT NULL,
	"shards_failed" integer DEFAULT 0 NOT NULL,
	"inputs" jsonb NOT NULL,
	"result_sha256" text,
	"result_content_type" text,
	"result_filename" text,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "leases" (
	"id" uuid PRIMARY KEY NOT NULL,
	"shard_id" uuid NOT NULL,
	"job_id" uuid NOT NULL,
	"volunteer_id" uuid NOT NULL,
	"state" text DEFAULT 'active' NOT NULL,
	"deadline" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "results" (
	"id" uuid PRIMARY KEY NOT NULL,
	"lease_id" uuid NOT NULL,
	"shard_id" uuid NOT NULL,
	"volunteer_id" uuid NOT NULL,
	"sha256" text NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shards" (
	"id" uuid PRIMARY KEY NOT NULL,
	"job_id" uuid NOT NULL,
	"index" integer NOT NULL,
	"kernel" text NOT NULL,
	"params" jsonb NOT NULL,
	"inputs" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"quorum" integer NOT NULL,
	"max_results" integer NOT NULL,
	"results_count" integer DEFAULT 0 NOT NULL,
	"best_agreeing" integer DEFAULT 0 NOT NULL,
	"canonical_sha256" text,
	"work_units" double precision NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "volunteers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"site" text,
	"address" text,
	"shards_done" integer DEFAULT 0 NOT NULL,
	"shards_rejected" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "credits" ADD CONSTRAINT "credits_result_id_results_id_fk" FOREIGN KEY ("result_id") REFERENCES "public"."results"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credits" ADD CONSTRAINT "credits_volunteer_id_volunteers_id_fk" FOREIGN KEY ("volunteer_id") REFERENCES "public"."volunteers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credits" ADD CONSTRAINT "credits_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_owner_id_volunteers_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."volunteers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_result_sha256_blobs_sha256_fk" FOREIGN KEY ("result_sha256") REFERENCES "public"."blobs"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leases" ADD CONSTRAINT "leases_shard_id_shards_id_fk" FOREIGN KEY ("shard_id") REFERENCES "public"."shards"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leases" ADD CONSTRAINT "leases_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leases" ADD CONSTRAINT "leases_volunteer_id_volunteers_id_fk" FOREIGN KEY ("volunteer_id") REFERENCES "public"."volunteers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "results" ADD CONSTRAINT "results_lease_id_leases_id_fk" FOREIGN KEY ("lease_id") REFERENCES "public"."leases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "results" ADD CONSTRAINT "results_shard_id_shards_id_fk" FOREIGN KEY ("shard_id") REFERENCES "public"."shards"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "results" ADD CONSTRAINT "results_volunteer_id_volunteers_id_fk" FOREIGN KEY ("volunteer_id") REFERENCES "public"."volunteers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "results" ADD CONSTRAINT "results_sha256_blobs_sha256_fk" FOREIGN KEY ("sha256") REFERENCES "public"."blobs"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shards" ADD CONSTRAINT "shards_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "credits_result_key" ON "credits" USING btree ("result_id");--> statement-breakpoint
CREATE INDEX "credits_volunteer_idx" ON "credits" USING btree ("volunteer_id");--> statement-breakpoint
CREATE INDEX "jobs_status_created_idx" ON "jobs" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "jobs_owner_idx" ON "jobs" USING btree ("owner_id");--> statement-breakpoint
CREATE UNIQUE INDEX "leases_shard_volunteer_key" ON "leases" USING btree ("shard_id","volunteer_id");--> statement-breakpoint
CREATE INDEX "leases_shard_active_idx" ON "leases" USING btree ("shard_id","deadline") WHERE "leases"."state" = 'active';--> statement-breakpoint
CREATE INDEX "leases_volunteer_idx" ON "leases" USING btree ("volunteer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "results_lease_key" ON "results" USING btree ("lease_id");--> statement-breakpoint
CREATE INDEX "results_shard_idx" ON "results" USING btree ("shard_id");--> statement-breakpoint
CREATE UNIQUE INDEX "shards_job_index_key" ON "shards" USING btree ("job_id","index");--> statement-breakpoint
CREATE INDEX "shards_pending_idx" ON "shards" USING btree ("kernel","created_at") WHERE "shards"."status" = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "volunteers_token_hash_key" ON "volunteers" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "volunteers_address_idx" ON "volunteers" USING btree ("address");