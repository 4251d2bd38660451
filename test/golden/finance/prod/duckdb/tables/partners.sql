-- lakespec finance (prod) for duckdb; generated, do not edit

CREATE SCHEMA IF NOT EXISTS "prod_lakehouse"."finance_silver";

CREATE TABLE IF NOT EXISTS "prod_lakehouse"."finance_silver"."partners" (
  "partner_id" BIGINT NOT NULL,
  "partner_name" VARCHAR NOT NULL,
  "email" VARCHAR,
  "country_code" VARCHAR,
  "is_customer" BOOLEAN NOT NULL,
  "is_company" BOOLEAN NOT NULL,
  "updated_at" TIMESTAMP NOT NULL
);

COMMENT ON TABLE "prod_lakehouse"."finance_silver"."partners" IS 'Customers and companies, one row per Odoo partner.';

COMMENT ON COLUMN "prod_lakehouse"."finance_silver"."partners"."partner_id" IS 'Odoo res.partner id.';

COMMENT ON COLUMN "prod_lakehouse"."finance_silver"."partners"."country_code" IS 'ISO 3166-1 alpha-2, upper case.';
