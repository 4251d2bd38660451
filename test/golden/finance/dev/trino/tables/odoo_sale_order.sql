-- lakespec finance (dev) for trino; generated, do not edit

CREATE SCHEMA IF NOT EXISTS "dev_lakehouse"."finance_bronze";

CREATE TABLE IF NOT EXISTS "dev_lakehouse"."finance_bronze"."odoo_sale_order" (
  "id" bigint NOT NULL,
  "name" varchar,
  "partner_id" bigint,
  "date_order" timestamp(6),
  "state" varchar,
  "amount_untaxed" decimal(14, 2),
  "amount_total" decimal(14, 2),
  "currency" varchar,
  "write_date" timestamp(6) NOT NULL
)
COMMENT 'Odoo sales orders (sale.order), loaded incrementally by write_date.'
WITH (
  format = 'PARQUET',
  format_version = 2
);
