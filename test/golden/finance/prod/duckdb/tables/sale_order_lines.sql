-- lakespec finance (prod) for duckdb; generated, do not edit

CREATE SCHEMA IF NOT EXISTS "prod_lakehouse"."finance_silver";

-- partitioning (bucket(order_id)) applies on Iceberg engines only
CREATE TABLE IF NOT EXISTS "prod_lakehouse"."finance_silver"."sale_order_lines" (
  "line_id" BIGINT NOT NULL,
  "order_id" BIGINT NOT NULL,
  "product_id" BIGINT NOT NULL,
  "quantity" DECIMAL(12, 3) NOT NULL,
  "unit_price" DECIMAL(12, 2) NOT NULL,
  "discount_pct" DECIMAL(5, 2) NOT NULL,
  "net_amount" DECIMAL(14, 2) NOT NULL
);

COMMENT ON TABLE "prod_lakehouse"."finance_silver"."sale_order_lines" IS 'Order lines with net amounts after discount.';
