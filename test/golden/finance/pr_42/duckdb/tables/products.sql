-- lakespec finance (pr_42) for duckdb; generated, do not edit

CREATE SCHEMA IF NOT EXISTS "pr_42_lakehouse"."finance_silver";

CREATE TABLE IF NOT EXISTS "pr_42_lakehouse"."finance_silver"."products" (
  "product_id" BIGINT NOT NULL,
  "sku" VARCHAR,
  "product_name" VARCHAR NOT NULL,
  "category" VARCHAR,
  "list_price" DECIMAL(12, 2),
  "updated_at" TIMESTAMP NOT NULL
);

COMMENT ON TABLE "pr_42_lakehouse"."finance_silver"."products" IS 'Sellable products.';
