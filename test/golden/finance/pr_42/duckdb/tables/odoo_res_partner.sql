-- lakespec finance (pr_42) for duckdb; generated, do not edit

CREATE SCHEMA IF NOT EXISTS "pr_42_lakehouse"."finance_bronze";

CREATE TABLE IF NOT EXISTS "pr_42_lakehouse"."finance_bronze"."odoo_res_partner" (
  "id" BIGINT NOT NULL,
  "name" VARCHAR,
  "email" VARCHAR,
  "country_code" VARCHAR,
  "customer_rank" INTEGER,
  "is_company" BOOLEAN,
  "active" BOOLEAN,
  "write_date" TIMESTAMP NOT NULL
);

COMMENT ON TABLE "pr_42_lakehouse"."finance_bronze"."odoo_res_partner" IS 'Odoo contacts (res.partner).';
