-- lakespec finance (prod) for duckdb; generated, do not edit

CREATE SCHEMA IF NOT EXISTS "prod_lakehouse"."finance_gold";

CREATE TABLE IF NOT EXISTS "prod_lakehouse"."finance_gold"."receivables_ageing" (
  "partner_id" BIGINT NOT NULL,
  "partner_name" VARCHAR NOT NULL,
  "as_of" DATE NOT NULL,
  "not_due" DECIMAL(16, 2) NOT NULL,
  "overdue_1_30" DECIMAL(16, 2) NOT NULL,
  "overdue_31_60" DECIMAL(16, 2) NOT NULL,
  "overdue_61_90" DECIMAL(16, 2) NOT NULL,
  "overdue_over_90" DECIMAL(16, 2) NOT NULL,
  "total_open" DECIMAL(16, 2) NOT NULL
);

COMMENT ON TABLE "prod_lakehouse"."finance_gold"."receivables_ageing" IS 'Open receivables per customer in ageing buckets, as of the latest invoice date.';
