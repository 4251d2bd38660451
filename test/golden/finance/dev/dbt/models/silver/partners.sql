{{ config(
    materialized='table',
    database='dev_lakehouse',
    schema='finance_silver',
    alias='partners',
    properties={'format': "'PARQUET'"}
) }}
-- lakespec: pipeline sales_silver, step partners; generated, do not edit
select
  cast("src"."partner_id" as bigint) as "partner_id",
  cast("src"."partner_name" as varchar) as "partner_name",
  cast("src"."email" as varchar) as "email",
  cast("src"."country_code" as varchar) as "country_code",
  cast("src"."is_customer" as boolean) as "is_customer",
  cast("src"."is_company" as boolean) as "is_company",
  cast("src"."updated_at" as {{ lakespec_type("timestamp(6)", "TIMESTAMP") }}) as "updated_at"
from (
  select
    id as partner_id,
    trim(name) as partner_name,
    nullif(lower(trim(email)), '') as email,
    upper(country_code) as country_code,
    coalesce(customer_rank, 0) > 0 as is_customer,
    coalesce(is_company, false) as is_company,
    write_date as updated_at
  from {{ source('finance_bronze', 'odoo_res_partner') }}
  where coalesce(active, true) and name is not null
) as "src"
