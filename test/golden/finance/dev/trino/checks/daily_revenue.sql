-- lakespec finance (dev) for trino; generated, do not edit

-- check unique_revenue_date (error): returns offending rows
SELECT "revenue_date", count(*) AS "duplicates"
FROM "dev_lakehouse"."finance_gold"."daily_revenue"
WHERE "revenue_date" IS NOT NULL
GROUP BY "revenue_date"
HAVING count(*) > 1;

-- check volume (error): returns offending rows
SELECT "row_count"
FROM (SELECT count(*) AS "row_count" FROM "dev_lakehouse"."finance_gold"."daily_revenue") AS "volume"
WHERE "row_count" < 1;
