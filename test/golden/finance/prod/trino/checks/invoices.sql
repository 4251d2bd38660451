-- lakespec finance (prod) for trino; generated, do not edit

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
