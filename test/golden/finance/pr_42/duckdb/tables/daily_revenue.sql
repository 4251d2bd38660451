-- lakespec finance (pr_42) for duckdb; generated, do not edit

CREATE SCHEMA IF NOT EXISTS "pr_42_lakehouse"."finance_gold";

-- partitioning (year(revenue_date)) applies on Iceberg engines only
CREATE TABLE IF NOT EXISTS "pr_42_lakehouse"."finance_gold"."daily_revenue" (
  "revenue_date" DATE NOT NULL,
  "orders" BIGINT NOT NULL,
  "customers" BIGINT NOT NULL,
  "revenue_untaxed" DECIMAL(16, 2) NOT NULL,
  "revenue_total" DECIMAL(16, 2) NOT NULL
);

COMMENT ON TABLE "pr_42_lakehouse"."finance_gold"."daily_revenue" IS 'Confirmed sales per order day.';
