-- lakespec finance (pr_42) for trino; generated, do not edit

CREATE SCHEMA IF NOT EXISTS "pr_42_lakehouse"."finance_silver";

CREATE TABLE IF NOT EXISTS "pr_42_lakehouse"."finance_silver"."sale_order_lines" (
  "line_id" bigint NOT NULL,
  "order_id" bigint NOT NULL,
  "product_id" bigint NOT NULL,
  "quantity" decimal(12, 3) NOT NULL,
  "unit_price" decimal(12, 2) NOT NULL,
  "discount_pct" decimal(5, 2) NOT NULL,
  "net_amount" decimal(14, 2) NOT NULL
)
COMMENT 'Order lines with net amounts after discount.'
WITH (
  format = 'PARQUET',
  format_version = 2,
  partitioning = ARRAY['bucket(order_id, 8)']
);
