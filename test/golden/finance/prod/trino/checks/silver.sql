-- lakespec finance (prod) for trino; generated, do not edit

-- table invoices
-- check unique_invoice_id (error): returns offending rows
SELECT "invoice_id", count(*) AS "duplicates"
FROM "prod_lakehouse"."finance_silver"."invoices"
WHERE "invoice_id" IS NOT NULL
GROUP BY "invoice_id"
HAVING count(*) > 1;

-- check accepted_values_payment_state (error): returns offending rows
SELECT *
FROM "prod_lakehouse"."finance_silver"."invoices"
WHERE "payment_state" IS NOT NULL AND "payment_state" NOT IN ('not_paid', 'partial', 'in_payment', 'paid', 'reversed');

-- check relationships_partner_id_partners (error): returns offending rows
SELECT "child".*
FROM "prod_lakehouse"."finance_silver"."invoices" AS "child"
LEFT JOIN "prod_lakehouse"."finance_silver"."partners" AS "parent" ON "child"."partner_id" = "parent"."partner_id"
WHERE "child"."partner_id" IS NOT NULL AND "parent"."partner_id" IS NULL;

-- table partners
-- check not_null_partner_id_partner_name (error): returns offending rows
SELECT *
FROM "prod_lakehouse"."finance_silver"."partners"
WHERE "partner_id" IS NULL OR "partner_name" IS NULL;

-- check unique_partner_id (error): returns offending rows
SELECT "partner_id", count(*) AS "duplicates"
FROM "prod_lakehouse"."finance_silver"."partners"
WHERE "partner_id" IS NOT NULL
GROUP BY "partner_id"
HAVING count(*) > 1;

-- check unique_email (warn): returns offending rows
SELECT "email", count(*) AS "duplicates"
FROM "prod_lakehouse"."finance_silver"."partners"
WHERE "email" IS NOT NULL
GROUP BY "email"
HAVING count(*) > 1;

-- table products
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

-- table sale_order_lines
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

-- table sale_orders
-- check unique_order_id (error): returns offending rows
SELECT "order_id", count(*) AS "duplicates"
FROM "prod_lakehouse"."finance_silver"."sale_orders"
WHERE "order_id" IS NOT NULL
GROUP BY "order_id"
HAVING count(*) > 1;

-- check unique_order_ref (error): returns offending rows
SELECT "order_ref", count(*) AS "duplicates"
FROM "prod_lakehouse"."finance_silver"."sale_orders"
WHERE "order_ref" IS NOT NULL
GROUP BY "order_ref"
HAVING count(*) > 1;

-- check accepted_values_state (error): returns offending rows
SELECT *
FROM "prod_lakehouse"."finance_silver"."sale_orders"
WHERE "state" IS NOT NULL AND "state" NOT IN ('draft', 'sent', 'sale', 'done');

-- check relationships_partner_id_partners (error): returns offending rows
SELECT "child".*
FROM "prod_lakehouse"."finance_silver"."sale_orders" AS "child"
LEFT JOIN "prod_lakehouse"."finance_silver"."partners" AS "parent" ON "child"."partner_id" = "parent"."partner_id"
WHERE "child"."partner_id" IS NOT NULL AND "parent"."partner_id" IS NULL;
