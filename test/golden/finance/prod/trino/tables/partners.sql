-- lakespec finance (prod) for trino; generated, do not edit

CREATE SCHEMA IF NOT EXISTS "prod_lakehouse"."finance_silver";

CREATE TABLE IF NOT EXISTS "prod_lakehouse"."finance_silver"."partners" (
  "partner_id" bigint NOT NULL COMMENT 'Odoo res.partner id.',
  "partner_name" varchar NOT NULL,
  "email" varchar,
  "country_code" varchar COMMENT 'ISO 3166-1 alpha-2, upper case.',
  "is_customer" boolean NOT NULL,
  "is_company" boolean NOT NULL,
  "updated_at" timestamp(6) NOT NULL
)
COMMENT 'Customers and companies, one row per Odoo partner.'
WITH (
  format = 'PARQUET',
  format_version = 2
);
