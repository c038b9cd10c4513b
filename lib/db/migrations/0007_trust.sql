CREATE TABLE "reputations" (
	"volunteer_id" uuid NOT NULL,
	"kernel" text NOT NULL,
	"consecutive_valid" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reputations_volunteer_id_kernel_pk" PRIMARY KEY("volunteer_id","kernel")
);
--> statement-breakpoint
ALTER TABLE "leases" ADD COLUMN "network_prefix" text;--> statement-breakpoint
ALTER TABLE "leases" ADD COLUMN "wallet" text;--> statement-breakpoint
ALTER TABLE "shards" ADD COLUMN "reputable_error_reports" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "shards" ADD COLUMN "trusted_volunteer_id" uuid;--> statement-breakpoint
ALTER TABLE "volunteers" ADD COLUMN "network_prefix" text;--> statement-breakpoint
ALTER TABLE "reputations" ADD CONSTRAINT "reputations_volunteer_id_volunteers_id_fk" FOREIGN KEY ("volunteer_id") REFERENCES "public"."volunteers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reputations_kernel_trusted_idx" ON "reputations" USING btree ("kernel","updated_at");--> statement-breakpoint
CREATE INDEX "volunteers_prefix_created_idx" ON "volunteers" USING btree ("network_prefix","created_at") WHERE "volunteers"."network_prefix" IS NOT NULL;