-- lakespec finance (pr_42) for duckdb; generated, do not edit

CREATE SCHEMA IF NOT EXISTS "pr_42_lakehouse"."finance_bronze";

CREATE TABLE IF NOT EXISTS "pr_42_lakehouse"."finance_bronze"."odoo_product" (
  "id" BIGINT NOT NULL,
  "default_code" VARCHAR,
  "name" VARCHAR,
  "categ_name" VARCHAR,
  "list_price" DECIMAL(12, 2),
  "active" BOOLEAN,
  "write_date" TIMESTAMP NOT NULL
);

COMMENT ON TABLE "pr_42_lakehouse"."finance_bronze"."odoo_product" IS 'Odoo products (product.product joined with its template).';
