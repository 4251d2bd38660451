-- lakespec finance (prod) for trino; generated, do not edit

CREATE SCHEMA IF NOT EXISTS "prod_lakehouse"."finance_bronze";

CREATE TABLE IF NOT EXISTS "prod_lakehouse"."finance_bronze"."odoo_product" (
  "id" bigint NOT NULL,
  "default_code" varchar,
  "name" varchar,
  "categ_name" varchar,
  "list_price" decimal(12, 2),
  "active" boolean,
  "write_date" timestamp(6) NOT NULL
)
COMMENT 'Odoo products (product.product joined with its template).'
WITH (
  format = 'PARQUET',
  format_version = 2
);
