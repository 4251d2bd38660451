-- lakespec finance (prod) for trino; generated, do not edit

CREATE SCHEMA IF NOT EXISTS "prod_lakehouse"."finance_bronze";

-- table odoo_account_move
CREATE TABLE IF NOT EXISTS "prod_lakehouse"."finance_bronze"."odoo_account_move" (
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

-- table odoo_product
CREATE TABLE IF NOT EXISTS "prod_lakehouse"."finance_bronze"."odoo_product" (
  "id" bigint NOT NULL,
  "default_code" varchar,
  "name" varchar,
  "categ_name" varchar,
  "list_price" decimal(12, 2),
  "active" boolean,
  "write_date" timestamp(6) NOT NULL
)
COMMENT 'Odoo products (product.product joined with its template).'
WITH (
  format = 'PARQUET',
  format_version = 2
);

-- table odoo_res_partner
CREATE TABLE IF NOT EXISTS "prod_lakehouse"."finance_bronze"."odoo_res_partner" (
  "id" bigint NOT NULL,
  "name" varchar,
  "email" varchar,
  "country_code" varchar,
  "customer_rank" integer,
  "is_company" boolean,
  "active" boolean,
  "write_date" timestamp(6) NOT NULL
)
COMMENT 'Odoo contacts (res.partner).'
WITH (
  format = 'PARQUET',
  format_version = 2
);

-- table odoo_sale_order
CREATE TABLE IF NOT EXISTS "prod_lakehouse"."finance_bronze"."odoo_sale_order" (
  "id" bigint NOT NULL,
  "name" varchar,
  "partner_id" bigint,
  "date_order" timestamp(6),
  "state" varchar,
  "amount_untaxed" decimal(14, 2),
  "amount_total" decimal(14, 2),
  "currency" varchar,
  "write_date" timestamp(6) NOT NULL
)
COMMENT 'Odoo sales orders (sale.order), loaded incrementally by write_date.'
WITH (
  format = 'PARQUET',
  format_version = 2
);

-- table odoo_sale_order_line
CREATE TABLE IF NOT EXISTS "prod_lakehouse"."finance_bronze"."odoo_sale_order_line" (
  "id" bigint NOT NULL,
  "order_id" bigint,
  "product_id" bigint,
  "product_uom_qty" decimal(12, 3),
  "price_unit" decimal(12, 2),
  "discount" decimal(5, 2),
  "price_subtotal" decimal(14, 2),
  "write_date" timestamp(6) NOT NULL
)
COMMENT 'Odoo sales order lines (sale.order.line).'
WITH (
  format = 'PARQUET',
  format_version = 2
);
