{{ config(
    materialized='table',
    database='prod_lakehouse',
    schema='finance_gold',
    alias='daily_revenue',
    properties={'format': "'PARQUET'", 'partitioning': "ARRAY['year(revenue_date)']"}
) }}
-- lakespec: pipeline finance_marts, step daily_revenue; generated, do not edit
select
  cast("src"."revenue_date" as date) as "revenue_date",
  cast("src"."orders" as bigint) as "orders",
  cast("src"."customers" as bigint) as "customers",
  cast("src"."revenue_untaxed" as decimal(16, 2)) as "revenue_untaxed",
  cast("src"."revenue_total" as decimal(16, 2)) as "revenue_total"
from (
  select
    order_date as revenue_date,
    count(*) as orders,
    count(distinct partner_id) as customers,
    sum(amount_untaxed) as revenue_untaxed,
    sum(amount_total) as revenue_total
  from {{ ref('sale_orders') }}
  where state in ('sale', 'done')
  group by order_date
) as "src"
