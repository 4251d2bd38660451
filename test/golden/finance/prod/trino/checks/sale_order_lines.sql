-- lakespec finance (prod) for trino; generated, do not edit

-- check unique_line_id (error): returns offending rows
SELECT "line_id", count(*) AS "duplicates"
FROM "prod_lakehouse"."finance_silver"."sale_order_lines"
WHERE "line_id" IS NOT NULL
GROUP BY "line_id"
HAVING count(*) > 1;

-- check relationships_order_id_sale_orders (error): returns offending rows
SELECT "child".*
FROM "prod_lakehouse"."finance_silver"."sale_order_lines" AS "child"
LEFT JOIN "prod_lakehouse"."finance_silver"."sale_orders" AS "parent" ON "child"."order_id" = "parent"."order_id"
WHERE "child"."order_id" IS NOT NULL AND "parent"."order_id" IS NULL;

-- check relationships_product_id_products (error): returns offending rows
SELECT "child".*
FROM "prod_lakehouse"."finance_silver"."sale_order_lines" AS "child"
LEFT JOIN "prod_lakehouse"."finance_silver"."products" AS "parent" ON "child"."product_id" = "parent"."product_id"
WHERE "child"."product_id" IS NOT NULL AND "parent"."product_id" IS NULL;
