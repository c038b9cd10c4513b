ALTER TABLE "jobs" DROP CONSTRAINT "jobs_result_sha256_blobs_sha256_fk";
--> statement-breakpoint
ALTER TABLE "results" DROP CONSTRAINT "results_sha256_blobs_sha256_fk";
--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "visibility" text DEFAULT 'public' NOT NULL;--> statement-breakpoint
CREATE INDEX "blobs_created_idx" ON "blobs" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "jobs_result_sha256_idx" ON "jobs" USING btree ("result_sha256");--> statement-breakpoint
CREATE INDEX "results_sha256_idx" ON "results" USING btree ("sha256");--> statement-breakpoint
CREATE INDEX "shards_inputs_idx" ON "shards" USING gin ("inputs" jsonb_path_ops);