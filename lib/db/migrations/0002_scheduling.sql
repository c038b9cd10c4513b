ALTER TABLE "leases" ADD COLUMN "adapter_class" text;--> statement-breakpoint
ALTER TABLE "shards" ADD COLUMN "error_reports" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "shards" ADD COLUMN "needs_homogeneous" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "shards" ADD COLUMN "adapter_class" text;