{{ config(
    materialized='table',
    database='pr_42_lakehouse',
    schema='finance_gold',
    alias='top_customers',
    properties={'format': "'PARQUET'"}
) }}
-- lakespec: pipeline customer_marts, step top_customers; generated, do not edit
select
  cast("src"."customer_rank" as integer) as "customer_rank",
  cast("src"."partner_id" as bigint) as "partner_id",
  cast("src"."partner_name" as varchar) as "partner_name",
  cast("src"."country_code" as varchar) as "country_code",
  cast("src"."orders" as bigint) as "orders",
  cast("src"."revenue_total" as decimal(16, 2)) as "revenue_total"
from (
  with revenue as (
    select o.partner_id, count(*) as orders, sum(o.amount_total) as revenue_total
    from {{ ref('sale_orders') }} as o
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
    join {{ ref('partners') }} as p on p.partner_id = r.partner_id
  )
  select * from ranked where customer_rank <= 10
) as "src"
