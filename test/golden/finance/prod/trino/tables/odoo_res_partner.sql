-- lakespec finance (prod) for trino; generated, do not edit

CREATE SCHEMA IF NOT EXISTS "prod_lakehouse"."finance_bronze";

CREATE TABLE IF NOT EXISTS "prod_lakehouse"."finance_bronze"."odoo_res_partner" (
  "id" bigint NOT NULL,
  "name" varchar,
  "email" varchar,
  "country_code" varchar,
  "customer_rank" integer,
  "is_company" boolean,
  "active" boolean,
  "write_date" timestamp(6) NOT NULL
)
COMMENT 'Odoo contacts (res.partner).'
WITH (
  format = 'PARQUET',
  format_version = 2
);
