CREATE TABLE "reward_epochs" (
	"epoch" integer PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"root" text NOT NULL,
	"total" numeric(78, 0) NOT NULL,
	"leaf_count" integer NOT NULL,
	"rate" numeric(78, 0) NOT NULL,
	"tx_hash" text,
	"sending_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "reward_leaves" (
	"epoch" integer NOT NULL,
	"address" text NOT NULL,
	"cumulative" numeric(78, 0) NOT NULL,
	CONSTRAINT "reward_leaves_epoch_address_pk" PRIMARY KEY("epoch","address")
);
--> statement-breakpoint
CREATE TABLE "siwe_nonces" (
	"nonce" text PRIMARY KEY NOT NULL,
	"volunteer_id" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "reward_leaves" ADD CONSTRAINT "reward_leaves_epoch_reward_epochs_epoch_fk" FOREIGN KEY ("epoch") REFERENCES "public"."reward_epochs"("epoch") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "siwe_nonces" ADD CONSTRAINT "siwe_nonces_volunteer_id_volunteers_id_fk" FOREIGN KEY ("volunteer_id") REFERENCES "public"."volunteers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reward_leaves_address_idx" ON "reward_leaves" USING btree ("address");--> statement-breakpoint
CREATE INDEX "siwe_nonces_volunteer_idx" ON "siwe_nonces" USING btree ("volunteer_id");