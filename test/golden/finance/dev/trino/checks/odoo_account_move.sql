-- lakespec finance (dev) for trino; generated, do not edit

-- check accepted_values_move_type (error): returns offending rows
SELECT *
FROM "dev_lakehouse"."finance_bronze"."odoo_account_move"
WHERE "move_type" IS NOT NULL AND "move_type" NOT IN ('out_invoice', 'out_refund', 'in_invoice', 'in_refund', 'entry');
