-- lakespec finance (pr_42) for trino; generated, do not edit

CREATE SCHEMA IF NOT EXISTS "pr_42_lakehouse"."finance_gold";

CREATE TABLE IF NOT EXISTS "pr_42_lakehouse"."finance_gold"."top_customers" (
  "customer_rank" integer NOT NULL,
  "partner_id" bigint NOT NULL,
  "partner_name" varchar NOT NULL,
  "country_code" varchar,
  "orders" bigint NOT NULL,
  "revenue_total" decimal(16, 2) NOT NULL
)
COMMENT 'The ten customers with the highest confirmed revenue.'
WITH (
  format = 'PARQUET',
  format_version = 2
);
