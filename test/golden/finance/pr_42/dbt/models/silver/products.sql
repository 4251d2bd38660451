{{ config(
    materialized='table',
    database='pr_42_lakehouse',
    schema='finance_silver',
    alias='products',
    properties={'format': "'PARQUET'"}
) }}
-- lakespec: pipeline sales_silver, step products; generated, do not edit
select
  cast("src"."product_id" as bigint) as "product_id",
  cast("src"."sku" as varchar) as "sku",
  cast("src"."product_name" as varchar) as "product_name",
  cast("src"."category" as varchar) as "category",
  cast("src"."list_price" as decimal(12, 2)) as "list_price",
  cast("src"."updated_at" as {{ lakespec_type("timestamp(6)", "TIMESTAMP") }}) as "updated_at"
from (
  select
    id as product_id,
    nullif(trim(default_code), '') as sku,
    trim(name) as product_name,
    categ_name as category,
    list_price,
    write_date as updated_at
  from {{ source('finance_bronze', 'odoo_product') }}
  where coalesce(active, true)
) as "src"
