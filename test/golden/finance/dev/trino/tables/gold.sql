-- lakespec finance (dev) for trino; generated, do not edit

CREATE SCHEMA IF NOT EXISTS "dev_lakehouse"."finance_gold";

-- table daily_revenue
CREATE TABLE IF NOT EXISTS "dev_lakehouse"."finance_gold"."daily_revenue" (
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

-- table receivables_ageing
CREATE TABLE IF NOT EXISTS "dev_lakehouse"."finance_gold"."receivables_ageing" (
  "partner_id" bigint NOT NULL,
  "partner_name" varchar NOT NULL,
  "as_of" date NOT NULL,
  "not_due" decimal(16, 2) NOT NULL,
  "overdue_1_30" decimal(16, 2) NOT NULL,
  "overdue_31_60" decimal(16, 2) NOT NULL,
  "overdue_61_90" decimal(16, 2) NOT NULL,
  "overdue_over_90" decimal(16, 2) NOT NULL,
  "total_open" decimal(16, 2) NOT NULL
)
COMMENT 'Open receivables per customer in ageing buckets, as of the latest invoice date.'
WITH (
  format = 'PARQUET',
  format_version = 2
);

-- table top_customers
CREATE TABLE IF NOT EXISTS "dev_lakehouse"."finance_gold"."top_customers" (
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
