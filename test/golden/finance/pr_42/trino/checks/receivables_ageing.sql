-- lakespec finance (pr_42) for trino; generated, do not edit

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
