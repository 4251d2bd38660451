-- lakespec finance (pr_42) for duckdb; generated, do not edit

CREATE SCHEMA IF NOT EXISTS "pr_42_lakehouse"."finance_bronze";

CREATE TABLE IF NOT EXISTS "pr_42_lakehouse"."finance_bronze"."odoo_sale_order" (
  "id" BIGINT NOT NULL,
  "name" VARCHAR,
  "partner_id" BIGINT,
  "date_order" TIMESTAMP,
  "state" VARCHAR,
  "amount_untaxed" DECIMAL(14, 2),
  "amount_total" DECIMAL(14, 2),
  "currency" VARCHAR,
  "write_date" TIMESTAMP NOT NULL
);

COMMENT ON TABLE "pr_42_lakehouse"."finance_bronze"."odoo_sale_order" IS 'Odoo sales orders (sale.order), loaded incrementally by write_date.';
