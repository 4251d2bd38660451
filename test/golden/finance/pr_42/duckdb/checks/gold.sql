-- lakespec finance (pr_42) for duckdb; generated, do not edit

-- table daily_revenue
-- check unique_revenue_date (error): returns offending rows
SELECT "revenue_date", count(*) AS "duplicates"
FROM "pr_42_lakehouse"."finance_gold"."daily_revenue"
WHERE "revenue_date" IS NOT NULL
GROUP BY "revenue_date"
HAVING count(*) > 1;

-- check volume (error): returns offending rows
SELECT "row_count"
FROM (SELECT count(*) AS "row_count" FROM "pr_42_lakehouse"."finance_gold"."daily_revenue") AS "volume"
WHERE "row_count" < 1;

-- table receivables_ageing
-- check unique_partner_id (error): returns offending rows
SELECT "partner_id", count(*) AS "duplicates"
FROM "pr_42_lakehouse"."finance_gold"."receivables_ageing"
WHERE "partner_id" IS NOT NULL
GROUP BY "partner_id"
HAVING count(*) > 1;

-- check relationships_partner_id_partners (error): returns offending rows
SELECT "child".*
FROM "pr_42_lakehouse"."finance_gold"."receivables_ageing" AS "child"
LEFT JOIN "pr_42_lakehouse"."finance_silver"."partners" AS "parent" ON "child"."partner_id" = "parent"."partner_id"
WHERE "child"."partner_id" IS NOT NULL AND "parent"."partner_id" IS NULL;

-- table top_customers
-- check unique_partner_id (error): returns offending rows
SELECT "partner_id", count(*) AS "duplicates"
FROM "pr_42_lakehouse"."finance_gold"."top_customers"
WHERE "partner_id" IS NOT NULL
GROUP BY "partner_id"
HAVING count(*) > 1;

-- check volume (error): returns offending rows
SELECT "row_count"
FROM (SELECT count(*) AS "row_count" FROM "pr_42_lakehouse"."finance_gold"."top_customers") AS "volume"
WHERE "row_count" < 1 OR "row_count" > 10;
