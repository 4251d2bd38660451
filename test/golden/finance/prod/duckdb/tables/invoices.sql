-- lakespec finance (prod) for duckdb; generated, do not edit

CREATE SCHEMA IF NOT EXISTS "prod_lakehouse"."finance_silver";

-- partitioning (month(invoice_date)) applies on Iceberg engines only
CREATE TABLE IF NOT EXISTS "prod_lakehouse"."finance_silver"."invoices" (
  "invoice_id" BIGINT NOT NULL,
  "invoice_ref" VARCHAR NOT NULL,
  "partner_id" BIGINT NOT NULL,
  "order_ref" VARCHAR,
  "invoice_date" DATE NOT NULL,
  "due_date" DATE NOT NULL,
  "amount_total" DECIMAL(14, 2) NOT NULL,
  "amount_open" DECIMAL(14, 2) NOT NULL,
  "payment_state" VARCHAR NOT NULL
);

COMMENT ON TABLE "prod_lakehouse"."finance_silver"."invoices" IS 'Posted customer invoices and credit notes (credit notes negative).';
