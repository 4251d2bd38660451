-- lakespec finance (prod) for duckdb; generated, do not edit

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
