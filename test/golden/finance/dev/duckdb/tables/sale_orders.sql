-- lakespec finance (dev) for duckdb; generated, do not edit

CREATE SCHEMA IF NOT EXISTS "dev_lakehouse"."finance_silver";

-- partitioning (month(order_date)) applies on Iceberg engines only
CREATE TABLE IF NOT EXISTS "dev_lakehouse"."finance_silver"."sale_orders" (
  "order_id" BIGINT NOT NULL,
  "order_ref" VARCHAR NOT NULL,
  "partner_id" BIGINT NOT NULL,
  "order_date" DATE NOT NULL,
  "ordered_at" TIMESTAMP NOT NULL,
  "state" VARCHAR NOT NULL,
  "amount_untaxed" DECIMAL(14, 2) NOT NULL,
  "amount_total" DECIMAL(14, 2) NOT NULL,
  "currency" VARCHAR NOT NULL
);

COMMENT ON TABLE "dev_lakehouse"."finance_silver"."sale_orders" IS 'Sales orders that were not cancelled.';
