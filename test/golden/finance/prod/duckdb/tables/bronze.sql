-- lakespec finance (prod) for duckdb; generated, do not edit

CREATE SCHEMA IF NOT EXISTS "prod_lakehouse"."finance_bronze";

-- table odoo_account_move
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

-- table odoo_product
CREATE TABLE IF NOT EXISTS "prod_lakehouse"."finance_bronze"."odoo_product" (
  "id" BIGINT NOT NULL,
  "default_code" VARCHAR,
  "name" VARCHAR,
  "categ_name" VARCHAR,
  "list_price" DECIMAL(12, 2),
  "active" BOOLEAN,
  "write_date" TIMESTAMP NOT NULL
);

COMMENT ON TABLE "prod_lakehouse"."finance_bronze"."odoo_product" IS 'Odoo products (product.product joined with its template).';

-- table odoo_res_partner
CREATE TABLE IF NOT EXISTS "prod_lakehouse"."finance_bronze"."odoo_res_partner" (
  "id" BIGINT NOT NULL,
  "name" VARCHAR,
  "email" VARCHAR,
  "country_code" VARCHAR,
  "customer_rank" INTEGER,
  "is_company" BOOLEAN,
  "active" BOOLEAN,
  "write_date" TIMESTAMP NOT NULL
);

COMMENT ON TABLE "prod_lakehouse"."finance_bronze"."odoo_res_partner" IS 'Odoo contacts (res.partner).';

-- table odoo_sale_order
CREATE TABLE IF NOT EXISTS "prod_lakehouse"."finance_bronze"."odoo_sale_order" (
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

COMMENT ON TABLE "prod_lakehouse"."finance_bronze"."odoo_sale_order" IS 'Odoo sales orders (sale.order), loaded incrementally by write_date.';

-- table odoo_sale_order_line
CREATE TABLE IF NOT EXISTS "prod_lakehouse"."finance_bronze"."odoo_sale_order_line" (
  "id" BIGINT NOT NULL,
  "order_id" BIGINT,
  "product_id" BIGINT,
  "product_uom_qty" DECIMAL(12, 3),
  "price_unit" DECIMAL(12, 2),
  "discount" DECIMAL(5, 2),
  "price_subtotal" DECIMAL(14, 2),
  "write_date" TIMESTAMP NOT NULL
);

COMMENT ON TABLE "prod_lakehouse"."finance_bronze"."odoo_sale_order_line" IS 'Odoo sales order lines (sale.order.line).';
