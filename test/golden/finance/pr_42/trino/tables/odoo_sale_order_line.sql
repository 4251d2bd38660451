-- lakespec finance (pr_42) for trino; generated, do not edit

CREATE SCHEMA IF NOT EXISTS "pr_42_lakehouse"."finance_bronze";

CREATE TABLE IF NOT EXISTS "pr_42_lakehouse"."finance_bronze"."odoo_sale_order_line" (
  "id" bigint NOT NULL,
  "order_id" bigint,
  "product_id" bigint,
  "product_uom_qty" decimal(12, 3),
  "price_unit" decimal(12, 2),
  "discount" decimal(5, 2),
  "price_subtotal" decimal(14, 2),
  "write_date" timestamp(6) NOT NULL
)
COMMENT 'Odoo sales order lines (sale.order.line).'
WITH (
  format = 'PARQUET',
  format_version = 2
);
