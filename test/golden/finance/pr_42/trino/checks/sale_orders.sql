-- lakespec finance (pr_42) for trino; generated, do not edit

-- check unique_order_id (error): returns offending rows
SELECT "order_id", count(*) AS "duplicates"
FROM "pr_42_lakehouse"."finance_silver"."sale_orders"
WHERE "order_id" IS NOT NULL
GROUP BY "order_id"
HAVING count(*) > 1;

-- check unique_order_ref (error): returns offending rows
SELECT "order_ref", count(*) AS "duplicates"
FROM "pr_42_lakehouse"."finance_silver"."sale_orders"
WHERE "order_ref" IS NOT NULL
GROUP BY "order_ref"
HAVING count(*) > 1;

-- check accepted_values_state (error): returns offending rows
SELECT *
FROM "pr_42_lakehouse"."finance_silver"."sale_orders"
WHERE "state" IS NOT NULL AND "state" NOT IN ('draft', 'sent', 'sale', 'done');

-- check relationships_partner_id_partners (error): returns offending rows
SELECT "child".*
FROM "pr_42_lakehouse"."finance_silver"."sale_orders" AS "child"
LEFT JOIN "pr_42_lakehouse"."finance_silver"."partners" AS "parent" ON "child"."partner_id" = "parent"."partner_id"
WHERE "child"."partner_id" IS NOT NULL AND "parent"."partner_id" IS NULL;
