-- lakespec pipeline erp_ingest (prod) for duckdb; generated, do not edit

-- step partners: ingest into odoo_res_partner
DELETE FROM "prod_lakehouse"."finance_bronze"."odoo_res_partner";

INSERT INTO "prod_lakehouse"."finance_bronze"."odoo_res_partner" ("id", "name", "email", "country_code", "customer_rank", "is_company", "active", "write_date")
SELECT
  CAST("ingested"."id" AS BIGINT) AS "id",
  CAST("ingested"."name" AS VARCHAR) AS "name",
  CAST("ingested"."email" AS VARCHAR) AS "email",
  CAST("ingested"."country_code" AS VARCHAR) AS "country_code",
  CAST("ingested"."customer_rank" AS INTEGER) AS "customer_rank",
  CAST("ingested"."is_company" AS BOOLEAN) AS "is_company",
  CAST("ingested"."active" AS BOOLEAN) AS "active",
  CAST("ingested"."write_date" AS TIMESTAMP) AS "write_date"
FROM (
  SELECT *
  FROM read_csv('/srv/exports/odoo/res_partner.csv', header = true, auto_detect = false, columns = {'id': 'BIGINT', 'name': 'VARCHAR', 'email': 'VARCHAR', 'country_code': 'VARCHAR', 'customer_rank': 'INTEGER', 'is_company': 'BOOLEAN', 'active': 'BOOLEAN', 'write_date': 'TIMESTAMP'}) AS "src"
) AS "ingested";

-- check not_null_id_write_date (error): offending rows
SELECT *
FROM "prod_lakehouse"."finance_bronze"."odoo_res_partner"
WHERE "id" IS NULL OR "write_date" IS NULL;

-- check unique_id (error): offending rows
SELECT "id", count(*) AS "duplicates"
FROM "prod_lakehouse"."finance_bronze"."odoo_res_partner"
WHERE "id" IS NOT NULL
GROUP BY "id"
HAVING count(*) > 1;

-- check volume (error): offending rows
SELECT "row_count"
FROM (SELECT count(*) AS "row_count" FROM "prod_lakehouse"."finance_bronze"."odoo_res_partner") AS "volume"
WHERE "row_count" < 1;

-- step products: ingest into odoo_product
DELETE FROM "prod_lakehouse"."finance_bronze"."odoo_product";

INSERT INTO "prod_lakehouse"."finance_bronze"."odoo_product" ("id", "default_code", "name", "categ_name", "list_price", "active", "write_date")
SELECT
  CAST("ingested"."id" AS BIGINT) AS "id",
  CAST("ingested"."default_code" AS VARCHAR) AS "default_code",
  CAST("ingested"."name" AS VARCHAR) AS "name",
  CAST("ingested"."categ_name" AS VARCHAR) AS "categ_name",
  CAST("ingested"."list_price" AS DECIMAL(12, 2)) AS "list_price",
  CAST("ingested"."active" AS BOOLEAN) AS "active",
  CAST("ingested"."write_date" AS TIMESTAMP) AS "write_date"
FROM (
  SELECT *
  FROM read_csv('/srv/exports/odoo/product_product.csv', header = true, auto_detect = false, columns = {'id': 'BIGINT', 'default_code': 'VARCHAR', 'name': 'VARCHAR', 'categ_name': 'VARCHAR', 'list_price': 'DECIMAL(12, 2)', 'active': 'BOOLEAN', 'write_date': 'TIMESTAMP'}) AS "src"
) AS "ingested";

-- check unique_id (error): offending rows
SELECT "id", count(*) AS "duplicates"
FROM "prod_lakehouse"."finance_bronze"."odoo_product"
WHERE "id" IS NOT NULL
GROUP BY "id"
HAVING count(*) > 1;

-- step sale_orders: ingest into odoo_sale_order
MERGE INTO "prod_lakehouse"."finance_bronze"."odoo_sale_order" AS "tgt"
USING (
  SELECT
    CAST("ingested"."id" AS BIGINT) AS "id",
    CAST("ingested"."name" AS VARCHAR) AS "name",
    CAST("ingested"."partner_id" AS BIGINT) AS "partner_id",
    CAST("ingested"."date_order" AS TIMESTAMP) AS "date_order",
    CAST("ingested"."state" AS VARCHAR) AS "state",
    CAST("ingested"."amount_untaxed" AS DECIMAL(14, 2)) AS "amount_untaxed",
    CAST("ingested"."amount_total" AS DECIMAL(14, 2)) AS "amount_total",
    CAST("ingested"."currency" AS VARCHAR) AS "currency",
    CAST("ingested"."write_date" AS TIMESTAMP) AS "write_date"
  FROM (
    SELECT *
    FROM read_csv('/srv/exports/odoo/sale_order.csv', header = true, auto_detect = false, columns = {'id': 'BIGINT', 'name': 'VARCHAR', 'partner_id': 'BIGINT', 'date_order': 'TIMESTAMP', 'state': 'VARCHAR', 'amount_untaxed': 'DECIMAL(14, 2)', 'amount_total': 'DECIMAL(14, 2)', 'currency': 'VARCHAR', 'write_date': 'TIMESTAMP'}) AS "src"
    WHERE (SELECT max("write_date") FROM "prod_lakehouse"."finance_bronze"."odoo_sale_order") IS NULL OR "src"."write_date" > (SELECT max("write_date") FROM "prod_lakehouse"."finance_bronze"."odoo_sale_order")
  ) AS "ingested"
) AS "src"
ON "tgt"."id" = "src"."id"
WHEN MATCHED THEN UPDATE SET "name" = "src"."name", "partner_id" = "src"."partner_id", "date_order" = "src"."date_order", "state" = "src"."state", "amount_untaxed" = "src"."amount_untaxed", "amount_total" = "src"."amount_total", "currency" = "src"."currency", "write_date" = "src"."write_date"
WHEN NOT MATCHED THEN INSERT ("id", "name", "partner_id", "date_order", "state", "amount_untaxed", "amount_total", "currency", "write_date") VALUES ("src"."id", "src"."name", "src"."partner_id", "src"."date_order", "src"."state", "src"."amount_untaxed", "src"."amount_total", "src"."currency", "src"."write_date");

-- check accepted_values_state (error): offending rows
SELECT *
FROM "prod_lakehouse"."finance_bronze"."odoo_sale_order"
WHERE "state" IS NOT NULL AND "state" NOT IN ('draft', 'sent', 'sale', 'done', 'cancel');

-- check freshness_write_date (warn): offending rows
SELECT max("write_date") AS "latest"
FROM "prod_lakehouse"."finance_bronze"."odoo_sale_order"
HAVING max("write_date") IS NULL OR max("write_date") < current_timestamp - to_seconds(172800);

-- step sale_order_lines: ingest into odoo_sale_order_line
MERGE INTO "prod_lakehouse"."finance_bronze"."odoo_sale_order_line" AS "tgt"
USING (
  SELECT
    CAST("ingested"."id" AS BIGINT) AS "id",
    CAST("ingested"."order_id" AS BIGINT) AS "order_id",
    CAST("ingested"."product_id" AS BIGINT) AS "product_id",
    CAST("ingested"."product_uom_qty" AS DECIMAL(12, 3)) AS "product_uom_qty",
    CAST("ingested"."price_unit" AS DECIMAL(12, 2)) AS "price_unit",
    CAST("ingested"."discount" AS DECIMAL(5, 2)) AS "discount",
    CAST("ingested"."price_subtotal" AS DECIMAL(14, 2)) AS "price_subtotal",
    CAST("ingested"."write_date" AS TIMESTAMP) AS "write_date"
  FROM (
    SELECT *
    FROM read_csv('/srv/exports/odoo/sale_order_line.csv', header = true, auto_detect = false, columns = {'id': 'BIGINT', 'order_id': 'BIGINT', 'product_id': 'BIGINT', 'product_uom_qty': 'DECIMAL(12, 3)', 'price_unit': 'DECIMAL(12, 2)', 'discount': 'DECIMAL(5, 2)', 'price_subtotal': 'DECIMAL(14, 2)', 'write_date': 'TIMESTAMP'}) AS "src"
    WHERE (SELECT max("write_date") FROM "prod_lakehouse"."finance_bronze"."odoo_sale_order_line") IS NULL OR "src"."write_date" > (SELECT max("write_date") FROM "prod_lakehouse"."finance_bronze"."odoo_sale_order_line")
  ) AS "ingested"
) AS "src"
ON "tgt"."id" = "src"."id"
WHEN MATCHED THEN UPDATE SET "order_id" = "src"."order_id", "product_id" = "src"."product_id", "product_uom_qty" = "src"."product_uom_qty", "price_unit" = "src"."price_unit", "discount" = "src"."discount", "price_subtotal" = "src"."price_subtotal", "write_date" = "src"."write_date"
WHEN NOT MATCHED THEN INSERT ("id", "order_id", "product_id", "product_uom_qty", "price_unit", "discount", "price_subtotal", "write_date") VALUES ("src"."id", "src"."order_id", "src"."product_id", "src"."product_uom_qty", "src"."price_unit", "src"."discount", "src"."price_subtotal", "src"."write_date");

-- step account_moves: ingest into odoo_account_move
MERGE INTO "prod_lakehouse"."finance_bronze"."odoo_account_move" AS "tgt"
USING (
  SELECT
    CAST("ingested"."id" AS BIGINT) AS "id",
    CAST("ingested"."name" AS VARCHAR) AS "name",
    CAST("ingested"."partner_id" AS BIGINT) AS "partner_id",
    CAST("ingested"."invoice_origin" AS VARCHAR) AS "invoice_origin",
    CAST("ingested"."move_type" AS VARCHAR) AS "move_type",
    CAST("ingested"."state" AS VARCHAR) AS "state",
    CAST("ingested"."invoice_date" AS DATE) AS "invoice_date",
    CAST("ingested"."invoice_date_due" AS DATE) AS "invoice_date_due",
    CAST("ingested"."amount_total" AS DECIMAL(14, 2)) AS "amount_total",
    CAST("ingested"."amount_residual" AS DECIMAL(14, 2)) AS "amount_residual",
    CAST("ingested"."payment_state" AS VARCHAR) AS "payment_state",
    CAST("ingested"."write_date" AS TIMESTAMP) AS "write_date"
  FROM (
    SELECT *
    FROM read_csv('/srv/exports/odoo/account_move.csv', header = true, auto_detect = false, columns = {'id': 'BIGINT', 'name': 'VARCHAR', 'partner_id': 'BIGINT', 'invoice_origin': 'VARCHAR', 'move_type': 'VARCHAR', 'state': 'VARCHAR', 'invoice_date': 'DATE', 'invoice_date_due': 'DATE', 'amount_total': 'DECIMAL(14, 2)', 'amount_residual': 'DECIMAL(14, 2)', 'payment_state': 'VARCHAR', 'write_date': 'TIMESTAMP'}) AS "src"
    WHERE (SELECT max("write_date") FROM "prod_lakehouse"."finance_bronze"."odoo_account_move") IS NULL OR "src"."write_date" > (SELECT max("write_date") FROM "prod_lakehouse"."finance_bronze"."odoo_account_move")
  ) AS "ingested"
) AS "src"
ON "tgt"."id" = "src"."id"
WHEN MATCHED THEN UPDATE SET "name" = "src"."name", "partner_id" = "src"."partner_id", "invoice_origin" = "src"."invoice_origin", "move_type" = "src"."move_type", "state" = "src"."state", "invoice_date" = "src"."invoice_date", "invoice_date_due" = "src"."invoice_date_due", "amount_total" = "src"."amount_total", "amount_residual" = "src"."amount_residual", "payment_state" = "src"."payment_state", "write_date" = "src"."write_date"
WHEN NOT MATCHED THEN INSERT ("id", "name", "partner_id", "invoice_origin", "move_type", "state", "invoice_date", "invoice_date_due", "amount_total", "amount_residual", "payment_state", "write_date") VALUES ("src"."id", "src"."name", "src"."partner_id", "src"."invoice_origin", "src"."move_type", "src"."state", "src"."invoice_date", "src"."invoice_date_due", "src"."amount_total", "src"."amount_residual", "src"."payment_state", "src"."write_date");

-- check accepted_values_move_type (error): offending rows
SELECT *
FROM "prod_lakehouse"."finance_bronze"."odoo_account_move"
WHERE "move_type" IS NOT NULL AND "move_type" NOT IN ('out_invoice', 'out_refund', 'in_invoice', 'in_refund', 'entry');
