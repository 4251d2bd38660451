-- lakespec finance (prod) for trino; generated, do not edit

CREATE SCHEMA IF NOT EXISTS "prod_lakehouse"."finance_silver";

CREATE TABLE IF NOT EXISTS "prod_lakehouse"."finance_silver"."invoices" (
  "invoice_id" bigint NOT NULL,
  "invoice_ref" varchar NOT NULL,
  "partner_id" bigint NOT NULL,
  "order_ref" varchar,
  "invoice_date" date NOT NULL,
  "due_date" date NOT NULL,
  "amount_total" decimal(14, 2) NOT NULL,
  "amount_open" decimal(14, 2) NOT NULL,
  "payment_state" varchar NOT NULL
)
COMMENT 'Posted customer invoices and credit notes (credit notes negative).'
WITH (
  format = 'PARQUET',
  format_version = 2,
  partitioning = ARRAY['month(invoice_date)']
);
