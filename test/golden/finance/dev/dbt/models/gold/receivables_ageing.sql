{{ config(
    materialized='table',
    database='dev_lakehouse',
    schema='finance_gold',
    alias='receivables_ageing',
    properties={'format': "'PARQUET'"}
) }}
-- lakespec: pipeline finance_marts, step receivables_ageing; generated, do not edit
select
  cast("src"."partner_id" as bigint) as "partner_id",
  cast("src"."partner_name" as varchar) as "partner_name",
  cast("src"."as_of" as date) as "as_of",
  cast("src"."not_due" as decimal(16, 2)) as "not_due",
  cast("src"."overdue_1_30" as decimal(16, 2)) as "overdue_1_30",
  cast("src"."overdue_31_60" as decimal(16, 2)) as "overdue_31_60",
  cast("src"."overdue_61_90" as decimal(16, 2)) as "overdue_61_90",
  cast("src"."overdue_over_90" as decimal(16, 2)) as "overdue_over_90",
  cast("src"."total_open" as decimal(16, 2)) as "total_open"
from (
  with open_items as (
    select
      i.partner_id,
      i.amount_open,
      date_diff('day', i.due_date, (select max(invoice_date) from {{ ref('invoices') }})) as days_overdue,
      (select max(invoice_date) from {{ ref('invoices') }}) as as_of
    from {{ ref('invoices') }} as i
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
  join {{ ref('partners') }} as p on p.partner_id = o.partner_id
  group by o.partner_id, p.partner_name, o.as_of
) as "src"
