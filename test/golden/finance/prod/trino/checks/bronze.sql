-- lakespec finance (prod) for trino; generated, do not edit

-- table odoo_account_move
-- check accepted_values_move_type (error): returns offending rows
SELECT *
FROM "prod_lakehouse"."finance_bronze"."odoo_account_move"
WHERE "move_type" IS NOT NULL AND "move_type" NOT IN ('out_invoice', 'out_refund', 'in_invoice', 'in_refund', 'entry');

-- table odoo_product
-- check unique_id (error): returns offending rows
SELECT "id", count(*) AS "duplicates"
FROM "prod_lakehouse"."finance_bronze"."odoo_product"
WHERE "id" IS NOT NULL
GROUP BY "id"
HAVING count(*) > 1;

-- table odoo_res_partner
-- check not_null_id_write_date (error): returns offending rows
SELECT *
FROM "prod_lakehouse"."finance_bronze"."odoo_res_partner"
WHERE "id" IS NULL OR "write_date" IS NULL;

-- check unique_id (error): returns offending rows
SELECT "id", count(*) AS "duplicates"
FROM "prod_lakehouse"."finance_bronze"."odoo_res_partner"
WHERE "id" IS NOT NULL
GROUP BY "id"
HAVING count(*) > 1;

-- check volume (error): returns offending rows
SELECT "row_count"
FROM (SELECT count(*) AS "row_count" FROM "prod_lakehouse"."finance_bronze"."odoo_res_partner") AS "volume"
WHERE "row_count" < 1;

-- table odoo_sale_order
-- check accepted_values_state (error): returns offending rows
SELECT *
FROM "prod_lakehouse"."finance_bronze"."odoo_sale_order"
WHERE "state" IS NOT NULL AND "state" NOT IN ('draft', 'sent', 'sale', 'done', 'cancel');

-- check freshness_write_date (warn): returns offending rows
SELECT max("write_date") AS "latest"
FROM "prod_lakehouse"."finance_bronze"."odoo_sale_order"
HAVING max("write_date") IS NULL OR max("write_date") < current_timestamp - INTERVAL '172800' SECOND;
