-- lakespec finance (pr_42) for trino; generated, do not edit

-- check accepted_values_state (error): returns offending rows
SELECT *
FROM "pr_42_lakehouse"."finance_bronze"."odoo_sale_order"
WHERE "state" IS NOT NULL AND "state" NOT IN ('draft', 'sent', 'sale', 'done', 'cancel');

-- check freshness_write_date (warn): returns offending rows
SELECT max("write_date") AS "latest"
FROM "pr_42_lakehouse"."finance_bronze"."odoo_sale_order"
HAVING max("write_date") IS NULL OR max("write_date") < current_timestamp - INTERVAL '172800' SECOND;
