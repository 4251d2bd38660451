-- lakespec pipeline finance_marts (dev) for duckdb; generated, do not edit

-- step daily_revenue: transform into daily_revenue
DELETE FROM "dev_lakehouse"."finance_gold"."daily_revenue";

INSERT INTO "dev_lakehouse"."finance_gold"."daily_revenue" ("revenue_date", "orders", "customers", "revenue_untaxed", "revenue_total")
SELECT
  CAST("src"."revenue_date" AS DATE) AS "revenue_date",
  CAST("src"."orders" AS BIGINT) AS "orders",
  CAST("src"."customers" AS BIGINT) AS "customers",
  CAST("src"."revenue_untaxed" AS DECIMAL(16, 2)) AS "revenue_untaxed",
  CAST("src"."revenue_total" AS DECIMAL(16, 2)) AS "revenue_total"
FROM (
  select
    order_date as revenue_date,
    count(*) as orders,
    count(distinct partner_id) as customers,
    sum(amount_untaxed) as revenue_untaxed,
    sum(amount_total) as revenue_total
  from "dev_lakehouse"."finance_silver"."sale_orders"
  where state in ('sale', 'done')
  group by order_date
) AS "src";

-- check unique_revenue_date (error): offending rows
SELECT "revenue_date", count(*) AS "duplicates"
FROM "dev_lakehouse"."finance_gold"."daily_revenue"
WHERE "revenue_date" IS NOT NULL
GROUP BY "revenue_date"
HAVING count(*) > 1;

-- check volume (error): offending rows
SELECT "row_count"
FROM (SELECT count(*) AS "row_count" FROM "dev_lakehouse"."finance_gold"."daily_revenue") AS "volume"
WHERE "row_count" < 1;

-- step receivables_ageing: transform into receivables_ageing
DELETE FROM "dev_lakehouse"."finance_gold"."receivables_ageing";

INSERT INTO "dev_lakehouse"."finance_gold"."receivables_ageing" ("partner_id", "partner_name", "as_of", "not_due", "overdue_1_30", "overdue_31_60", "overdue_61_90", "overdue_over_90", "total_open")
SELECT
  CAST("src"."partner_id" AS BIGINT) AS "partner_id",
  CAST("src"."partner_name" AS VARCHAR) AS "partner_name",
  CAST("src"."as_of" AS DATE) AS "as_of",
  CAST("src"."not_due" AS DECIMAL(16, 2)) AS "not_due",
  CAST("src"."overdue_1_30" AS DECIMAL(16, 2)) AS "overdue_1_30",
  CAST("src"."overdue_31_60" AS DECIMAL(16, 2)) AS "overdue_31_60",
  CAST("src"."overdue_61_90" AS DECIMAL(16, 2)) AS "overdue_61_90",
  CAST("src"."overdue_over_90" AS DECIMAL(16, 2)) AS "overdue_over_90",
  CAST("src"."total_open" AS DECIMAL(16, 2)) AS "total_open"
FROM (
  with open_items as (
    select
      i.partner_id,
      i.amount_open,
      date_diff('day', i.due_date, (select max(invoice_date) from "dev_lakehouse"."finance_silver"."invoices")) as days_overdue,
      (select max(invoice_date) from "dev_lakehouse"."finance_silver"."invoices") as as_of
    from "dev_lakehouse"."finance_silver"."invoices" as i
    where i.amount_open <> 0
  )
  select
    o.partner_id,
    p.partner_name,
    o.as_of,
    sum(case when o.days_overdue <= 0 then o.amount_open else 0 end) as not_due,
    sum(case when o.days_overdue between 1 and 30 then o.amount_open else 0 end) as overdue_1_30,
    sum(case when o.days_overdue between 31 and 60 then o.amount_open else 0 end) as overdue_31_60,
    sum(case when o.days_overdue between 61 and 90 then o.amount_open else 0 end) as overdue_61_90,
    sum(case when o.days_overdue > 90 then o.amount_open else 0 end) as overdue_over_90,
    sum(o.amount_open) as total_open
  from open_items as o
  join "dev_lakehouse"."finance_silver"."partners" as p on p.partner_id = o.partner_id
  group by o.partner_id, p.partner_name, o.as_of
) AS "src";

-- check unique_partner_id (error): offending rows
SELECT "partner_id", count(*) AS "duplicates"
FROM "dev_lakehouse"."finance_gold"."receivables_ageing"
WHERE "partner_id" IS NOT NULL
GROUP BY "partner_id"
HAVING count(*) > 1;

-- check relationships_partner_id_partners (error): offending rows
SELECT "child".*
FROM "dev_lakehouse"."finance_gold"."receivables_ageing" AS "child"
LEFT JOIN "dev_lakehouse"."finance_silver"."partners" AS "parent" ON "child"."partner_id" = "parent"."partner_id"
WHERE "child"."partner_id" IS NOT NULL AND "parent"."partner_id" IS NULL;
