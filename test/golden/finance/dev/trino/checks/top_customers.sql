-- lakespec finance (dev) for trino; generated, do not edit

-- check unique_partner_id (error): returns offending rows
SELECT "partner_id", count(*) AS "duplicates"
FROM "dev_lakehouse"."finance_gold"."top_customers"
WHERE "partner_id" IS NOT NULL
GROUP BY "partner_id"
HAVING count(*) > 1;

-- check volume (error): returns offending rows
SELECT "row_count"
FROM (SELECT count(*) AS "row_count" FROM "dev_lakehouse"."finance_gold"."top_customers") AS "volume"
WHERE "row_count" < 1 OR "row_count" > 10;
