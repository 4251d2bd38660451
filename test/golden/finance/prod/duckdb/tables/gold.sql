-- lakespec finance (prod) for duckdb; generated, do not edit

CREATE SCHEMA IF NOT EXISTS "prod_lakehouse"."finance_gold";

-- table daily_revenue
-- partitioning (year(revenue_date)) applies on Iceberg engines only
CREATE TABLE IF NOT EXISTS "prod_lakehouse"."finance_gold"."daily_revenue" (
  "revenue_date" DATE NOT NULL,
  "orders" BIGINT NOT NULL,
  "customers" BIGINT NOT NULL,
  "revenue_untaxed" DECIMAL(16, 2) NOT NULL,
  "revenue_total" DECIMAL(16, 2) NOT NULL
);

COMMENT ON TABLE "prod_lakehouse"."finance_gold"."daily_revenue" IS 'Confirmed sales per order day.';

-- table receivables_ageing
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

-- table top_customers
CREATE TABLE IF NOT EXISTS "prod_lakehouse"."finance_gold"."top_customers" (
  "customer_rank" INTEGER NOT NULL,
  "partner_id" BIGINT NOT NULL,
  "partner_name" VARCHAR NOT NULL,
  "country_code" VARCHAR,
  "orders" BIGINT NOT NULL,
  "revenue_total" DECIMAL(16, 2) NOT NULL
);

COMMENT ON TABLE "prod_lakehouse"."finance_gold"."top_customers" IS 'The ten customers with the highest confirmed revenue.';
