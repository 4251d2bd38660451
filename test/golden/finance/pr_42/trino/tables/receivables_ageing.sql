-- lakespec finance (pr_42) for trino; generated, do not edit

CREATE SCHEMA IF NOT EXISTS "pr_42_lakehouse"."finance_gold";

CREATE TABLE IF NOT EXISTS "pr_42_lakehouse"."finance_gold"."receivables_ageing" (
  "partner_id" bigint NOT NULL,
  "partner_name" varchar NOT NULL,
  "as_of" date NOT NULL,
  "not_due" decimal(16, 2) NOT NULL,
  "overdue_1_30" decimal(16, 2) NOT NULL,
  "overdue_31_60" decimal(16, 2) NOT NULL,
  "overdue_61_90" decimal(16, 2) NOT NULL,
  "overdue_over_90" decimal(16, 2) NOT NULL,
  "total_open" decimal(16, 2) NOT NULL
)
COMMENT 'Open receivables per customer in ageing buckets, as of the latest invoice date.'
WITH (
  format = 'PARQUET',
  format_version = 2
);
