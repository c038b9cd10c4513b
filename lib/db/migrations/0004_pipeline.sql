ALTER TABLE "jobs" ADD COLUMN "assemble_after" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "last_leased_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "results" ADD COLUMN "check_verdict" text;--> statement-breakpoint
ALTER TABLE "shards" ADD COLUMN "awaiting" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "shards" ADD COLUMN "validate_after" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "jobs_assemble_idx" ON "jobs" USING btree ("assemble_after") WHERE "jobs"."assemble_after" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "leases_job_active_idx" ON "leases" USING btree ("job_id","deadline") WHERE "leases"."state" = 'active';--> statement-breakpoint
CREATE INDEX "results_volunteer_idx" ON "results" USING btree ("volunteer_id");--> statement-breakpoint
CREATE INDEX "shards_job_pending_idx" ON "shards" USING btree ("job_id","index") WHERE "shards"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "shards_validate_idx" ON "shards" USING btree ("validate_after") WHERE "shards"."validate_after" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_status_check" CHECK ("jobs"."status" IN ('queued', 'running', 'completed', 'failed', 'cancelled'));--> statement-breakpoint
ALTER TABLE "leases" ADD CONSTRAINT "leases_state_check" CHECK ("leases"."state" IN ('active', 'completed', 'cancelled', 'released', 'failed'));--> statement-breakpoint
ALTER TABLE "results" ADD CONSTRAINT "results_status_check" CHECK ("results"."status" IN ('pending', 'valid', 'invalid'));--> statement-breakpoint
ALTER TABLE "shards" ADD CONSTRAINT "shards_status_check" CHECK ("shards"."status" IN ('pending', 'verified', 'failed', 'cancelled'));--> statement-breakpoint
-- A result stored before this migration was already checked: it waited only for replicas.
UPDATE "results" SET "check_verdict" = 'plausible' WHERE "status" <> 'invalid';
