-- lakespec finance (dev) for trino; generated, do not edit

CREATE SCHEMA IF NOT EXISTS "dev_lakehouse"."finance_silver";

CREATE TABLE IF NOT EXISTS "dev_lakehouse"."finance_silver"."products" (
  "product_id" bigint NOT NULL,
  "sku" varchar,
  "product_name" varchar NOT NULL,
  "category" varchar,
  "list_price" decimal(12, 2),
  "updated_at" timestamp(6) NOT NULL
)
COMMENT 'Sellable products.'
WITH (
  format = 'PARQUET',
  format_version = 2
);
