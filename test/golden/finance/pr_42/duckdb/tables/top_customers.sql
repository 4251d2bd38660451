-- lakespec finance (pr_42) for duckdb; generated, do not edit

CREATE SCHEMA IF NOT EXISTS "pr_42_lakehouse"."finance_gold";

CREATE TABLE IF NOT EXISTS "pr_42_lakehouse"."finance_gold"."top_customers" (
  "customer_rank" INTEGER NOT NULL,
  "partner_id" BIGINT NOT NULL,
  "partner_name" VARCHAR NOT NULL,
  "country_code" VARCHAR,
  "orders" BIGINT NOT NULL,
  "revenue_total" DECIMAL(16, 2) NOT NULL
);

COMMENT ON TABLE "pr_42_lakehouse"."finance_gold"."top_customers" IS 'The ten customers with the highest confirmed revenue.';
