-- lakespec finance (prod) for duckdb; generated, do not edit

CREATE SCHEMA IF NOT EXISTS "prod_lakehouse"."finance_bronze";

CREATE TABLE IF NOT EXISTS "prod_lakehouse"."finance_bronze"."odoo_account_move" (
  "id" BIGINT NOT NULL,
  "name" VARCHAR,
  "partner_id" BIGINT,
  "invoice_origin" VARCHAR,
  "move_type" VARCHAR,
  "state" VARCHAR,
  "invoice_date" DATE,
  "invoice_date_due" DATE,
  "amount_total" DECIMAL(14, 2),
  "amount_residual" DECIMAL(14, 2),
  "payment_state" VARCHAR,
  "write_date" TIMESTAMP NOT NULL
);

COMMENT ON TABLE "prod_lakehouse"."finance_bronze"."odoo_account_move" IS 'Odoo journal entries (account.move) — invoices and credit notes.';
