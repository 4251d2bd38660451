{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['order_id'],
    database='pr_42_lakehouse',
    schema='finance_silver',
    alias='sale_orders',
    properties={'format': "'PARQUET'", 'partitioning': "ARRAY['month(order_date)']"}
) }}
-- lakespec: pipeline sales_silver, step sale_orders; generated, do not edit
select
  cast("src"."order_id" as bigint) as "order_id",
  cast("src"."order_ref" as varchar) as "order_ref",
  cast("src"."partner_id" as bigint) as "partner_id",
  cast("src"."order_date" as date) as "order_date",
  cast("src"."ordered_at" as {{ lakespec_type("timestamp(6)", "TIMESTAMP") }}) as "ordered_at",
  cast("src"."state" as varchar) as "state",
  cast("src"."amount_untaxed" as decimal(14, 2)) as "amount_untaxed",
  cast("src"."amount_total" as decimal(14, 2)) as "amount_total",
  cast("src"."currency" as varchar) as "currency"
from (
  select
    o.id as order_id,
    o.name as order_ref,
    o.partner_id,
    cast(o.date_order as date) as order_date,
    o.date_order as ordered_at,
    o.state,
    o.amount_untaxed,
    o.amount_total,
    o.currency
  from {{ source('finance_bronze', 'odoo_sale_order') }} as o
  join {{ ref('partners') }} as p on p.partner_id = o.partner_id
  where o.state <> 'cancel'
) as "src"
