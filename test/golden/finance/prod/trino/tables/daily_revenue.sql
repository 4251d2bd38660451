-- lakespec finance (prod) for trino; generated, do not edit

CREATE SCHEMA IF NOT EXISTS "prod_lakehouse"."finance_gold";

CREATE TABLE IF NOT EXISTS "prod_lakehouse"."finance_gold"."daily_revenue" (
  "revenue_date" date NOT NULL,
  "orders" bigint NOT NULL,
  "customers" bigint NOT NULL,
  "revenue_untaxed" decimal(16, 2) NOT NULL,
  "revenue_total" decimal(16, 2) NOT NULL
)
COMMENT 'Confirmed sales per order day.'
WITH (
  format = 'PARQUET',
  format_version = 2,
  partitioning = ARRAY['year(revenue_date)']
);
