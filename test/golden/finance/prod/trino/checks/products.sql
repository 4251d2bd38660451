-- lakespec finance (prod) for trino; generated, do not edit

-- check unique_product_id (error): returns offending rows
SELECT "product_id", count(*) AS "duplicates"
FROM "prod_lakehouse"."finance_silver"."products"
WHERE "product_id" IS NOT NULL
GROUP BY "product_id"
HAVING count(*) > 1;

-- check unique_sku (error): returns offending rows
SELECT "sku", count(*) AS "duplicates"
FROM "prod_lakehouse"."finance_silver"."products"
WHERE "sku" IS NOT NULL
GROUP BY "sku"
HAVING count(*) > 1;
