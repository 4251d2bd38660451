-- lakespec finance (pr_42) for trino; generated, do not edit

CREATE SCHEMA IF NOT EXISTS "pr_42_lakehouse"."finance_silver";

CREATE TABLE IF NOT EXISTS "pr_42_lakehouse"."finance_silver"."sale_orders" (
  "order_id" bigint NOT NULL,
  "order_ref" varchar NOT NULL,
  "partner_id" bigint NOT NULL,
  "order_date" date NOT NULL,
  "ordered_at" timestamp(6) NOT NULL,
  "state" varchar NOT NULL,
  "amount_untaxed" decimal(14, 2) NOT NULL,
  "amount_total" decimal(14, 2) NOT NULL,
  "currency" varchar NOT NULL
)
COMMENT 'Sales orders that were not cancelled.'
WITH (
  format = 'PARQUET',
  format_version = 2,
  partitioning = ARRAY['month(order_date)'],
  sorted_by = ARRAY['order_date']
);
