-- lakespec pipeline customer_marts (pr_42) for duckdb; generated, do not edit

-- step top_customers: transform into top_customers
DELETE FROM "pr_42_lakehouse"."finance_gold"."top_customers";

INSERT INTO "pr_42_lakehouse"."finance_gold"."top_customers" ("customer_rank", "partner_id", "partner_name", "country_code", "orders", "revenue_total")
SELECT
  CAST("src"."customer_rank" AS INTEGER) AS "customer_rank",
  CAST("src"."partner_id" AS BIGINT) AS "partner_id",
  CAST("src"."partner_name" AS VARCHAR) AS "partner_name",
  CAST("src"."country_code" AS VARCHAR) AS "country_code",
  CAST("src"."orders" AS BIGINT) AS "orders",
  CAST("src"."revenue_total" AS DECIMAL(16, 2)) AS "revenue_total"
FROM (
  with revenue as (
    select o.partner_id, count(*) as orders, sum(o.amount_total) as revenue_total
    from "pr_42_lakehouse"."finance_silver"."sale_orders" as o
    where o.state in ('sale', 'done')
    group by o.partner_id
  ),
  ranked as (
    select
      row_number() over (order by r.revenue_total desc, r.partner_id) as customer_rank,
      r.partner_id,
      p.partner_name,
      p.country_code,
      r.orders,
      r.revenue_total
    from revenue as r
    join "pr_42_lakehouse"."finance_silver"."partners" as p on p.partner_id = r.partner_id
  )
  select * from ranked where customer_rank <= 10
) AS "src";

-- check unique_partner_id (error): offending rows
SELECT "partner_id", count(*) AS "duplicates"
FROM "pr_42_lakehouse"."finance_gold"."top_customers"
WHERE "partner_id" IS NOT NULL
GROUP BY "partner_id"
HAVING count(*) > 1;

-- check volume (error): offending rows
SELECT "row_count"
FROM (SELECT count(*) AS "row_count" FROM "pr_42_lakehouse"."finance_gold"."top_customers") AS "volume"
WHERE "row_count" < 1 OR "row_count" > 10;
