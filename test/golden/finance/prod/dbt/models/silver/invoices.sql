{{ config(
    materialized='table',
    database='prod_lakehouse',
    schema='finance_silver',
    alias='invoices',
    properties={'format': "'PARQUET'", 'partitioning': "ARRAY['month(invoice_date)']"}
) }}
-- lakespec: pipeline sales_silver, step invoices; generated, do not edit
select
  cast("src"."invoice_id" as bigint) as "invoice_id",
  cast("src"."invoice_ref" as varchar) as "invoice_ref",
  cast("src"."partner_id" as bigint) as "partner_id",
  cast("src"."order_ref" as varchar) as "order_ref",
  cast("src"."invoice_date" as date) as "invoice_date",
  cast("src"."due_date" as date) as "due_date",
  cast("src"."amount_total" as decimal(14, 2)) as "amount_total",
  cast("src"."amount_open" as decimal(14, 2)) as "amount_open",
  cast("src"."payment_state" as varchar) as "payment_state"
from (
  select
    m.id as invoice_id,
    m.name as invoice_ref,
    m.partner_id,
    m.invoice_origin as order_ref,
    m.invoice_date,
    m.invoice_date_due as due_date,
    case when m.move_type = 'out_refund' then -m.amount_total else m.amount_total end as amount_total,
    case when m.move_type = 'out_refund' then -m.amount_residual else m.amount_residual end as amount_open,
    m.payment_state
  from {{ source('finance_bronze', 'odoo_account_move') }} as m
  join {{ ref('partners') }} as p on p.partner_id = m.partner_id
  where m.move_type in ('out_invoice', 'out_refund') and m.state = 'posted'
) as "src"
