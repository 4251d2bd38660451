-- lakespec finance (pr_42) for duckdb; generated, do not edit

CREATE SCHEMA IF NOT EXISTS "pr_42_lakehouse"."finance_bronze";

CREATE TABLE IF NOT EXISTS "pr_42_lakehouse"."finance_bronze"."odoo_sale_order_line" (
  "id" BIGINT NOT NULL,
  "order_id" BIGINT,
  "product_id" BIGINT,
  "product_uom_qty" DECIMAL(12, 3),
  "price_unit" DECIMAL(12, 2),
  "discount" DECIMAL(5, 2),
  "price_subtotal" DECIMAL(14, 2),
  "write_date" TIMESTAMP NOT NULL
);

COMMENT ON TABLE "pr_42_lakehouse"."finance_bronze"."odoo_sale_order_line" IS 'Odoo sales order lines (sale.order.line).';
