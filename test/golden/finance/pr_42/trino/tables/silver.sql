-- lakespec finance (pr_42) for trino; generated, do not edit

CREATE SCHEMA IF NOT EXISTS "pr_42_lakehouse"."finance_silver";

-- table invoices
CREATE TABLE IF NOT EXISTS "pr_42_lakehouse"."finance_silver"."invoices" (
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

-- table partners
CREATE TABLE IF NOT EXISTS "pr_42_lakehouse"."finance_silver"."partners" (
  "partner_id" bigint NOT NULL COMMENT 'Odoo res.partner id.',
  "partner_name" varchar NOT NULL,
  "email" varchar,
  "country_code" varchar COMMENT 'ISO 3166-1 alpha-2, upper case.',
  "is_customer" boolean NOT NULL,
  "is_company" boolean NOT NULL,
  "updated_at" timestamp(6) NOT NULL
)
COMMENT 'Customers and companies, one row per Odoo partner.'
WITH (
  format = 'PARQUET',
  format_version = 2
);

-- table products
CREATE TABLE IF NOT EXISTS "pr_42_lakehouse"."finance_silver"."products" (
  "product_id" bigint NOT NULL,
  "sku" varchar,
  "product_name" varchar NOT NULL,
  "category" varchar,
  "list_price" decimal(12, 2),
  "updated_at" timestamp(6) NOT NULL
)
COMMENT 'Sellable products.'
WITH (
  format = 'PARQUET',
  format_version = 2
);

-- table sale_order_lines
CREATE TABLE IF NOT EXISTS "pr_42_lakehouse"."finance_silver"."sale_order_lines" (
  "line_id" bigint NOT NULL,
  "order_id" bigint NOT NULL,
  "product_id" bigint NOT NULL,
  "quantity" decimal(12, 3) NOT NULL,
  "unit_price" decimal(12, 2) NOT NULL,
  "discount_pct" decimal(5, 2) NOT NULL,
  "net_amount" decimal(14, 2) NOT NULL
)
COMMENT 'Order lines with net amounts after discount.'
WITH (
  format = 'PARQUET',
  format_version = 2,
  partitioning = ARRAY['bucket(order_id, 8)']
);

-- table sale_orders
CREATE TABLE IF NOT EXISTS "pr_42_lakehouse"."finance_silver"."sale_orders" (
  "order_id" bigint NOT NULL,
  "order_ref" varchar NOT NULL,
  "partner_id" bigint NOT NULL,
  "order_date" date NOT NULL,
  "ordered_at" timestamp(6) NOT NULL,
  "state" varchar NOT NULL,
  "amount_untaxed" decimal(14, 2) NOT NULL,
  "amount_total" decimal(14, 2) NOT NULL,
  "currency" varchar NOT NULL
)
COMMENT 'Sales orders that were not cancelled.'
WITH (
  format = 'PARQUET',
  format_version = 2,
  partitioning = ARRAY['month(order_date)'],
  sorted_by = ARRAY['order_date']
);
