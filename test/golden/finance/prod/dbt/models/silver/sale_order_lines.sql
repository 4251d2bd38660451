{{ config(
    materialized='table',
    database='prod_lakehouse',
    schema='finance_silver',
    alias='sale_order_lines',
    properties={'format': "'PARQUET'", 'partitioning': "ARRAY['bucket(order_id, 8)']"}
) }}
-- lakespec: pipeline sales_silver, step sale_order_lines; generated, do not edit
select
  cast("src"."line_id" as bigint) as "line_id",
  cast("src"."order_id" as bigint) as "order_id",
  cast("src"."product_id" as bigint) as "product_id",
  cast("src"."quantity" as decimal(12, 3)) as "quantity",
  cast("src"."unit_price" as decimal(12, 2)) as "unit_price",
  cast("src"."discount_pct" as decimal(5, 2)) as "discount_pct",
  cast("src"."net_amount" as decimal(14, 2)) as "net_amount"
from (
  select
    l.id as line_id,
    l.order_id,
    l.product_id,
    l.product_uom_qty as quantity,
    l.price_unit as unit_price,
    coalesce(l.discount, 0) as discount_pct,
    l.price_subtotal as net_amount
  from {{ source('finance_bronze', 'odoo_sale_order_line') }} as l
  join {{ ref('sale_orders') }} as o on o.order_id = l.order_id
  join {{ ref('products') }} as p on p.product_id = l.product_id
) as "src"
