-- lakespec finance (pr_42) for trino; generated, do not edit

CREATE SCHEMA IF NOT EXISTS "pr_42_lakehouse"."finance_bronze";

CREATE TABLE IF NOT EXISTS "pr_42_lakehouse"."finance_bronze"."odoo_account_move" (
  "id" bigint NOT NULL,
  "name" varchar,
  "partner_id" bigint,
  "invoice_origin" varchar,
  "move_type" varchar,
  "state" varchar,
  "invoice_date" date,
  "invoice_date_due" date,
  "amount_total" decimal(14, 2),
  "amount_residual" decimal(14, 2),
  "payment_state" varchar,
  "write_date" timestamp(6) NOT NULL
)
COMMENT 'Odoo journal entries (account.move) — invoices and credit notes.'
WITH (
  format = 'PARQUET',
  format_version = 2
);
