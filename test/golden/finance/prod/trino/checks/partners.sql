-- lakespec finance (prod) for trino; generated, do not edit

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
