-- lakespec finance (pr_42) for duckdb; generated, do not edit

CREATE SCHEMA IF NOT EXISTS "pr_42_lakehouse"."finance_silver";

-- table invoices
-- partitioning (month(invoice_date)) applies on Iceberg engines only
CREATE TABLE IF NOT EXISTS "pr_42_lakehouse"."finance_silver"."invoices" (
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

COMMENT ON TABLE "pr_42_lakehouse"."finance_silver"."invoices" IS 'Posted customer invoices and credit notes (credit notes negative).';

-- table partners
CREATE TABLE IF NOT EXISTS "pr_42_lakehouse"."finance_silver"."partners" (
  "partner_id" BIGINT NOT NULL,
  "partner_name" VARCHAR NOT NULL,
  "email" VARCHAR,
  "country_code" VARCHAR,
  "is_customer" BOOLEAN NOT NULL,
  "is_company" BOOLEAN NOT NULL,
  "updated_at" TIMESTAMP NOT NULL
);

COMMENT ON TABLE "pr_42_lakehouse"."finance_silver"."partners" IS 'Customers and companies, one row per Odoo partner.';

COMMENT ON COLUMN "pr_42_lakehouse"."finance_silver"."partners"."partner_id" IS 'Odoo res.partner id.';

COMMENT ON COLUMN "pr_42_lakehouse"."finance_silver"."partners"."country_code" IS 'ISO 3166-1 alpha-2, upper case.';

-- table products
CREATE TABLE IF NOT EXISTS "pr_42_lakehouse"."finance_silver"."products" (
  "product_id" BIGINT NOT NULL,
  "sku" VARCHAR,
  "product_name" VARCHAR NOT NULL,
  "category" VARCHAR,
  "list_price" DECIMAL(12, 2),
  "updated_at" TIMESTAMP NOT NULL
);

COMMENT ON TABLE "pr_42_lakehouse"."finance_silver"."products" IS 'Sellable products.';

-- table sale_order_lines
-- partitioning (bucket(order_id)) applies on Iceberg engines only
CREATE TABLE IF NOT EXISTS "pr_42_lakehouse"."finance_silver"."sale_order_lines" (
  "line_id" BIGINT NOT NULL,
  "order_id" BIGINT NOT NULL,
  "product_id" BIGINT NOT NULL,
  "quantity" DECIMAL(12, 3) NOT NULL,
  "unit_price" DECIMAL(12, 2) NOT NULL,
  "discount_pct" DECIMAL(5, 2) NOT NULL,
  "net_amount" DECIMAL(14, 2) NOT NULL
);

COMMENT ON TABLE "pr_42_lakehouse"."finance_silver"."sale_order_lines" IS 'Order lines with net amounts after discount.';

-- table sale_orders
-- partitioning (month(order_date)) applies on Iceberg engines only
CREATE TABLE IF NOT EXISTS "pr_42_lakehouse"."finance_silver"."sale_orders" (
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

COMMENT ON TABLE "pr_42_lakehouse"."finance_silver"."sale_orders" IS 'Sales orders that were not cancelled.';
