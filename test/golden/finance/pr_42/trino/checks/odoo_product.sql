-- lakespec finance (pr_42) for trino; generated, do not edit

-- check unique_id (error): returns offending rows
SELECT "id", count(*) AS "duplicates"
FROM "pr_42_lakehouse"."finance_bronze"."odoo_product"
WHERE "id" IS NOT NULL
GROUP BY "id"
HAVING count(*) > 1;
