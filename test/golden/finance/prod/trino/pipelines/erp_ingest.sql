-- lakespec pipeline erp_ingest (prod) for trino; generated, do not edit

-- step partners: ingest into odoo_res_partner
DROP TABLE IF EXISTS "prod_lakehouse"."finance_bronze"."__ls_stage_erp_ingest__partners";

CREATE TABLE "prod_lakehouse"."finance_bronze"."__ls_stage_erp_ingest__partners" (
  "id" bigint,
  "name" varchar,
  "email" varchar,
  "country_code" varchar,
  "customer_rank" integer,
  "is_company" boolean,
  "active" boolean,
  "write_date" timestamp(6)
)
WITH (format = 'PARQUET');

-- extract from connection odoo_export (files) into "prod_lakehouse"."finance_bronze"."__ls_stage_erp_ingest__partners": /srv/exports/odoo/res_partner.csv

DELETE FROM "prod_lakehouse"."finance_bronze"."odoo_res_partner";

INSERT INTO "prod_lakehouse"."finance_bronze"."odoo_res_partner" ("id", "name", "email", "country_code", "customer_rank", "is_company", "active", "write_date")
SELECT
  CAST("ingested"."id" AS bigint) AS "id",
  CAST("ingested"."name" AS varchar) AS "name",
  CAST("ingested"."email" AS varchar) AS "email",
  CAST("ingested"."country_code" AS varchar) AS "country_code",
  CAST("ingested"."customer_rank" AS integer) AS "customer_rank",
  CAST("ingested"."is_company" AS boolean) AS "is_company",
  CAST("ingested"."active" AS boolean) AS "active",
  CAST("ingested"."write_date" AS timestamp(6)) AS "write_date"
FROM (
  SELECT *
  FROM "prod_lakehouse"."finance_bronze"."__ls_stage_erp_ingest__partners" AS "src"
) AS "ingested";

DROP TABLE IF EXISTS "prod_lakehouse"."finance_bronze"."__ls_stage_erp_ingest__partners";

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
DROP TABLE IF EXISTS "prod_lakehouse"."finance_bronze"."__ls_stage_erp_ingest__products";

CREATE TABLE "prod_lakehouse"."finance_bronze"."__ls_stage_erp_ingest__products" (
  "id" bigint,
  "default_code" varchar,
  "name" varchar,
  "categ_name" varchar,
  "list_price" decimal(12, 2),
  "active" boolean,
  "write_date" timestamp(6)
)
WITH (format = 'PARQUET');

-- extract from connection odoo_export (files) into "prod_lakehouse"."finance_bronze"."__ls_stage_erp_ingest__products": /srv/exports/odoo/product_product.csv

DELETE FROM "prod_lakehouse"."finance_bronze"."odoo_product";

INSERT INTO "prod_lakehouse"."finance_bronze"."odoo_product" ("id", "default_code", "name", "categ_name", "list_price", "active", "write_date")
SELECT
  CAST("ingested"."id" AS bigint) AS "id",
  CAST("ingested"."default_code" AS varchar) AS "default_code",
  CAST("ingested"."name" AS varchar) AS "name",
  CAST("ingested"."categ_name" AS varchar) AS "categ_name",
  CAST("ingested"."list_price" AS decimal(12, 2)) AS "list_price",
  CAST("ingested"."active" AS boolean) AS "active",
  CAST("ingested"."write_date" AS timestamp(6)) AS "write_date"
FROM (
  SELECT *
  FROM "prod_lakehouse"."finance_bronze"."__ls_stage_erp_ingest__products" AS "src"
) AS "ingested";

DROP TABLE IF EXISTS "prod_lakehouse"."finance_bronze"."__ls_stage_erp_ingest__products";

-- check unique_id (error): offending rows
SELECT "id", count(*) AS "duplicates"
FROM "prod_lakehouse"."finance_bronze"."odoo_product"
WHERE "id" IS NOT NULL
GROUP BY "id"
HAVING count(*) > 1;

-- step sale_orders: ingest into odoo_sale_order
DROP TABLE IF EXISTS "prod_lakehouse"."finance_bronze"."__ls_stage_erp_ingest__sale_orders";

CREATE TABLE "prod_lakehouse"."finance_bronze"."__ls_stage_erp_ingest__sale_orders" (
  "id" bigint,
  "name" varchar,
  "partner_id" bigint,
  "date_order" timestamp(6),
  "state" varchar,
  "amount_untaxed" decimal(14, 2),
  "amount_total" decimal(14, 2),
  "currency" varchar,
  "write_date" timestamp(6)
)
WITH (format = 'PARQUET');

-- extract from connection odoo_export (files) into "prod_lakehouse"."finance_bronze"."__ls_stage_erp_ingest__sale_orders": /srv/exports/odoo/sale_order.csv

MERGE INTO "prod_lakehouse"."finance_bronze"."odoo_sale_order" AS "tgt"
USING (
  SELECT
    CAST("ingested"."id" AS bigint) AS "id",
    CAST("ingested"."name" AS varchar) AS "name",
    CAST("ingested"."partner_id" AS bigint) AS "partner_id",
    CAST("ingested"."date_order" AS timestamp(6)) AS "date_order",
    CAST("ingested"."state" AS varchar) AS "state",
    CAST("ingested"."amount_untaxed" AS decimal(14, 2)) AS "amount_untaxed",
    CAST("ingested"."amount_total" AS decimal(14, 2)) AS "amount_total",
    CAST("ingested"."currency" AS varchar) AS "currency",
    CAST("ingested"."write_date" AS timestamp(6)) AS "write_date"
  FROM (
    SELECT *
    FROM "prod_lakehouse"."finance_bronze"."__ls_stage_erp_ingest__sale_orders" AS "src"
    WHERE (SELECT max("write_date") FROM "prod_lakehouse"."finance_bronze"."odoo_sale_order") IS NULL OR "src"."write_date" > (SELECT max("write_date") FROM "prod_lakehouse"."finance_bronze"."odoo_sale_order")
  ) AS "ingested"
) AS "src"
ON "tgt"."id" = "src"."id"
WHEN MATCHED THEN UPDATE SET "name" = "src"."name", "partner_id" = "src"."partner_id", "date_order" = "src"."date_order", "state" = "src"."state", "amount_untaxed" = "src"."amount_untaxed", "amount_total" = "src"."amount_total", "currency" = "src"."currency", "write_date" = "src"."write_date"
WHEN NOT MATCHED THEN INSERT ("id", "name", "partner_id", "date_order", "state", "amount_untaxed", "amount_total", "currency", "write_date") VALUES ("src"."id", "src"."name", "src"."partner_id", "src"."date_order", "src"."state", "src"."amount_untaxed", "src"."amount_total", "src"."currency", "src"."write_date");

DROP TABLE IF EXISTS "prod_lakehouse"."finance_bronze"."__ls_stage_erp_ingest__sale_orders";

-- check accepted_values_state (error): offending rows
SELECT *
FROM "prod_lakehouse"."finance_bronze"."odoo_sale_order"
WHERE "state" IS NOT NULL AND "state" NOT IN ('draft', 'sent', 'sale', 'done', 'cancel');

-- check freshness_write_date (warn): offending rows
SELECT max("write_date") AS "latest"
FROM "prod_lakehouse"."finance_bronze"."odoo_sale_order"
HAVING max("write_date") IS NULL OR max("write_date") < current_timestamp - INTERVAL '172800' SECOND;

-- step sale_order_lines: ingest into odoo_sale_order_line
DROP TABLE IF EXISTS "prod_lakehouse"."finance_bronze"."__ls_stage_erp_ingest__sale_order_lines";

CREATE TABLE "prod_lakehouse"."finance_bronze"."__ls_stage_erp_ingest__sale_order_lines" (
  "id" bigint,
  "order_id" bigint,
  "product_id" bigint,
  "product_uom_qty" decimal(12, 3),
  "price_unit" decimal(12, 2),
  "discount" decimal(5, 2),
  "price_subtotal" decimal(14, 2),
  "write_date" timestamp(6)
)
WITH (format = 'PARQUET');

-- extract from connection odoo_export (files) into "prod_lakehouse"."finance_bronze"."__ls_stage_erp_ingest__sale_order_lines": /srv/exports/odoo/sale_order_line.csv

MERGE INTO "prod_lakehouse"."finance_bronze"."odoo_sale_order_line" AS "tgt"
USING (
  SELECT
    CAST("ingested"."id" AS bigint) AS "id",
    CAST("ingested"."order_id" AS bigint) AS "order_id",
    CAST("ingested"."product_id" AS bigint) AS "product_id",
    CAST("ingested"."product_uom_qty" AS decimal(12, 3)) AS "product_uom_qty",
    CAST("ingested"."price_unit" AS decimal(12, 2)) AS "price_unit",
    CAST("ingested"."discount" AS decimal(5, 2)) AS "discount",
    CAST("ingested"."price_subtotal" AS decimal(14, 2)) AS "price_subtotal",
    CAST("ingested"."write_date" AS timestamp(6)) AS "write_date"
  FROM (
    SELECT *
    FROM "prod_lakehouse"."finance_bronze"."__ls_stage_erp_ingest__sale_order_lines" AS "src"
    WHERE (SELECT max("write_date") FROM "prod_lakehouse"."finance_bronze"."odoo_sale_order_line") IS NULL OR "src"."write_date" > (SELECT max("write_date") FROM "prod_lakehouse"."finance_bronze"."odoo_sale_order_line")
  ) AS "ingested"
) AS "src"
ON "tgt"."id" = "src"."id"
WHEN MATCHED THEN UPDATE SET "order_id" = "src"."order_id", "product_id" = "src"."product_id", "product_uom_qty" = "src"."product_uom_qty", "price_unit" = "src"."price_unit", "discount" = "src"."discount", "price_subtotal" = "src"."price_subtotal", "write_date" = "src"."write_date"
WHEN NOT MATCHED THEN INSERT ("id", "order_id", "product_id", "product_uom_qty", "price_unit", "discount", "price_subtotal", "write_date") VALUES ("src"."id", "src"."order_id", "src"."product_id", "src"."product_uom_qty", "src"."price_unit", "src"."discount", "src"."price_subtotal", "src"."write_date");

DROP TABLE IF EXISTS "prod_lakehouse"."finance_bronze"."__ls_stage_erp_ingest__sale_order_lines";

-- step account_moves: ingest into odoo_account_move
DROP TABLE IF EXISTS "prod_lakehouse"."finance_bronze"."__ls_stage_erp_ingest__account_moves";

CREATE TABLE "prod_lakehouse"."finance_bronze"."__ls_stage_erp_ingest__account_moves" (
  "id" bigint,
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
  "write_date" timestamp(6)
)
WITH (format = 'PARQUET');

-- extract from connection odoo_export (files) into "prod_lakehouse"."finance_bronze"."__ls_stage_erp_ingest__account_moves": /srv/exports/odoo/account_move.csv

MERGE INTO "prod_lakehouse"."finance_bronze"."odoo_account_move" AS "tgt"
USING (
  SELECT
    CAST("ingested"."id" AS bigint) AS "id",
    CAST("ingested"."name" AS varchar) AS "name",
    CAST("ingested"."partner_id" AS bigint) AS "partner_id",
    CAST("ingested"."invoice_origin" AS varchar) AS "invoice_origin",
    CAST("ingested"."move_type" AS varchar) AS "move_type",
    CAST("ingested"."state" AS varchar) AS "state",
    CAST("ingested"."invoice_date" AS date) AS "invoice_date",
    CAST("ingested"."invoice_date_due" AS date) AS "invoice_date_due",
    CAST("ingested"."amount_total" AS decimal(14, 2)) AS "amount_total",
    CAST("ingested"."amount_residual" AS decimal(14, 2)) AS "amount_residual",
    CAST("ingested"."payment_state" AS varchar) AS "payment_state",
    CAST("ingested"."write_date" AS timestamp(6)) AS "write_date"
  FROM (
    SELECT *
    FROM "prod_lakehouse"."finance_bronze"."__ls_stage_erp_ingest__account_moves" AS "src"
    WHERE (SELECT max("write_date") FROM "prod_lakehouse"."finance_bronze"."odoo_account_move") IS NULL OR "src"."write_date" > (SELECT max("write_date") FROM "prod_lakehouse"."finance_bronze"."odoo_account_move")
  ) AS "ingested"
) AS "src"
ON "tgt"."id" = "src"."id"
WHEN MATCHED THEN UPDATE SET "name" = "src"."name", "partner_id" = "src"."partner_id", "invoice_origin" = "src"."invoice_origin", "move_type" = "src"."move_type", "state" = "src"."state", "invoice_date" = "src"."invoice_date", "invoice_date_due" = "src"."invoice_date_due", "amount_total" = "src"."amount_total", "amount_residual" = "src"."amount_residual", "payment_state" = "src"."payment_state", "write_date" = "src"."write_date"
WHEN NOT MATCHED THEN INSERT ("id", "name", "partner_id", "invoice_origin", "move_type", "state", "invoice_date", "invoice_date_due", "amount_total", "amount_residual", "payment_state", "write_date") VALUES ("src"."id", "src"."name", "src"."partner_id", "src"."invoice_origin", "src"."move_type", "src"."state", "src"."invoice_date", "src"."invoice_date_due", "src"."amount_total", "src"."amount_residual", "src"."payment_state", "src"."write_date");

DROP TABLE IF EXISTS "prod_lakehouse"."finance_bronze"."__ls_stage_erp_ingest__account_moves";

-- check accepted_values_move_type (error): offending rows
SELECT *
FROM "prod_lakehouse"."finance_bronze"."odoo_account_move"
WHERE "move_type" IS NOT NULL AND "move_type" NOT IN ('out_invoice', 'out_refund', 'in_invoice', 'in_refund', 'entry');
