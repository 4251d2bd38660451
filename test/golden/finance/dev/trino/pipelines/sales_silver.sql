-- lakespec pipeline sales_silver (dev) for trino; generated, do not edit

-- step partners: transform into partners
DELETE FROM "dev_lakehouse"."finance_silver"."partners";

INSERT INTO "dev_lakehouse"."finance_silver"."partners" ("partner_id", "partner_name", "email", "country_code", "is_customer", "is_company", "updated_at")
SELECT
  CAST("src"."partner_id" AS bigint) AS "partner_id",
  CAST("src"."partner_name" AS varchar) AS "partner_name",
  CAST("src"."email" AS varchar) AS "email",
  CAST("src"."country_code" AS varchar) AS "country_code",
  CAST("src"."is_customer" AS boolean) AS "is_customer",
  CAST("src"."is_company" AS boolean) AS "is_company",
  CAST("src"."updated_at" AS timestamp(6)) AS "updated_at"
FROM (
  select
    id as partner_id,
    trim(name) as partner_name,
    nullif(lower(trim(email)), '') as email,
    upper(country_code) as country_code,
    coalesce(customer_rank, 0) > 0 as is_customer,
    coalesce(is_company, false) as is_company,
    write_date as updated_at
  from "dev_lakehouse"."finance_bronze"."odoo_res_partner"
  where coalesce(active, true) and name is not null
) AS "src";

-- check not_null_partner_id_partner_name (error): offending rows
SELECT *
FROM "dev_lakehouse"."finance_silver"."partners"
WHERE "partner_id" IS NULL OR "partner_name" IS NULL;

-- check unique_partner_id (error): offending rows
SELECT "partner_id", count(*) AS "duplicates"
FROM "dev_lakehouse"."finance_silver"."partners"
WHERE "partner_id" IS NOT NULL
GROUP BY "partner_id"
HAVING count(*) > 1;

-- check unique_email (warn): offending rows
SELECT "email", count(*) AS "duplicates"
FROM "dev_lakehouse"."finance_silver"."partners"
WHERE "email" IS NOT NULL
GROUP BY "email"
HAVING count(*) > 1;

-- step products: transform into products
DELETE FROM "dev_lakehouse"."finance_silver"."products";

INSERT INTO "dev_lakehouse"."finance_silver"."products" ("product_id", "sku", "product_name", "category", "list_price", "updated_at")
SELECT
  CAST("src"."product_id" AS bigint) AS "product_id",
  CAST("src"."sku" AS varchar) AS "sku",
  CAST("src"."product_name" AS varchar) AS "product_name",
  CAST("src"."category" AS varchar) AS "category",
  CAST("src"."list_price" AS decimal(12, 2)) AS "list_price",
  CAST("src"."updated_at" AS timestamp(6)) AS "updated_at"
FROM (
  select
    id as product_id,
    nullif(trim(default_code), '') as sku,
    trim(name) as product_name,
    categ_name as category,
    list_price,
    write_date as updated_at
  from "dev_lakehouse"."finance_bronze"."odoo_product"
  where coalesce(active, true)
) AS "src";

-- check unique_product_id (error): offending rows
SELECT "product_id", count(*) AS "duplicates"
FROM "dev_lakehouse"."finance_silver"."products"
WHERE "product_id" IS NOT NULL
GROUP BY "product_id"
HAVING count(*) > 1;

-- check unique_sku (error): offending rows
SELECT "sku", count(*) AS "duplicates"
FROM "dev_lakehouse"."finance_silver"."products"
WHERE "sku" IS NOT NULL
GROUP BY "sku"
HAVING count(*) > 1;

-- step sale_orders: transform into sale_orders (after partners)
MERGE INTO "dev_lakehouse"."finance_silver"."sale_orders" AS "tgt"
USING (
  SELECT
    CAST("src"."order_id" AS bigint) AS "order_id",
    CAST("src"."order_ref" AS varchar) AS "order_ref",
    CAST("src"."partner_id" AS bigint) AS "partner_id",
    CAST("src"."order_date" AS date) AS "order_date",
    CAST("src"."ordered_at" AS timestamp(6)) AS "ordered_at",
    CAST("src"."state" AS varchar) AS "state",
    CAST("src"."amount_untaxed" AS decimal(14, 2)) AS "amount_untaxed",
    CAST("src"."amount_total" AS decimal(14, 2)) AS "amount_total",
    CAST("src"."currency" AS varchar) AS "currency"
  FROM (
    select
      o.id as order_id,
      o.name as order_ref,
      o.partner_id,
      cast(o.date_order as date) as order_date,
      o.date_order as ordered_at,
      o.state,
      o.amount_untaxed,
      o.amount_total,
      o.currency
    from "dev_lakehouse"."finance_bronze"."odoo_sale_order" as o
    join "dev_lakehouse"."finance_silver"."partners" as p on p.partner_id = o.partner_id
    where o.state <> 'cancel'
  ) AS "src"
) AS "src"
ON "tgt"."order_id" = "src"."order_id"
WHEN MATCHED THEN UPDATE SET "order_ref" = "src"."order_ref", "partner_id" = "src"."partner_id", "order_date" = "src"."order_date", "ordered_at" = "src"."ordered_at", "state" = "src"."state", "amount_untaxed" = "src"."amount_untaxed", "amount_total" = "src"."amount_total", "currency" = "src"."currency"
WHEN NOT MATCHED THEN INSERT ("order_id", "order_ref", "partner_id", "order_date", "ordered_at", "state", "amount_untaxed", "amount_total", "currency") VALUES ("src"."order_id", "src"."order_ref", "src"."partner_id", "src"."order_date", "src"."ordered_at", "src"."state", "src"."amount_untaxed", "src"."amount_total", "src"."currency");

-- check unique_order_id (error): offending rows
SELECT "order_id", count(*) AS "duplicates"
FROM "dev_lakehouse"."finance_silver"."sale_orders"
WHERE "order_id" IS NOT NULL
GROUP BY "order_id"
HAVING count(*) > 1;

-- check unique_order_ref (error): offending rows
SELECT "order_ref", count(*) AS "duplicates"
FROM "dev_lakehouse"."finance_silver"."sale_orders"
WHERE "order_ref" IS NOT NULL
GROUP BY "order_ref"
HAVING count(*) > 1;

-- check accepted_values_state (error): offending rows
SELECT *
FROM "dev_lakehouse"."finance_silver"."sale_orders"
WHERE "state" IS NOT NULL AND "state" NOT IN ('draft', 'sent', 'sale', 'done');

-- check relationships_partner_id_partners (error): offending rows
SELECT "child".*
FROM "dev_lakehouse"."finance_silver"."sale_orders" AS "child"
LEFT JOIN "dev_lakehouse"."finance_silver"."partners" AS "parent" ON "child"."partner_id" = "parent"."partner_id"
WHERE "child"."partner_id" IS NOT NULL AND "parent"."partner_id" IS NULL;

-- step sale_order_lines: transform into sale_order_lines (after products, sale_orders)
DELETE FROM "dev_lakehouse"."finance_silver"."sale_order_lines";

INSERT INTO "dev_lakehouse"."finance_silver"."sale_order_lines" ("line_id", "order_id", "product_id", "quantity", "unit_price", "discount_pct", "net_amount")
SELECT
  CAST("src"."line_id" AS bigint) AS "line_id",
  CAST("src"."order_id" AS bigint) AS "order_id",
  CAST("src"."product_id" AS bigint) AS "product_id",
  CAST("src"."quantity" AS decimal(12, 3)) AS "quantity",
  CAST("src"."unit_price" AS decimal(12, 2)) AS "unit_price",
  CAST("src"."discount_pct" AS decimal(5, 2)) AS "discount_pct",
  CAST("src"."net_amount" AS decimal(14, 2)) AS "net_amount"
FROM (
  select
    l.id as line_id,
    l.order_id,
    l.product_id,
    l.product_uom_qty as quantity,
    l.price_unit as unit_price,
    coalesce(l.discount, 0) as discount_pct,
    l.price_subtotal as net_amount
  from "dev_lakehouse"."finance_bronze"."odoo_sale_order_line" as l
  join "dev_lakehouse"."finance_silver"."sale_orders" as o on o.order_id = l.order_id
  join "dev_lakehouse"."finance_silver"."products" as p on p.product_id = l.product_id
) AS "src";

-- check unique_line_id (error): offending rows
SELECT "line_id", count(*) AS "duplicates"
FROM "dev_lakehouse"."finance_silver"."sale_order_lines"
WHERE "line_id" IS NOT NULL
GROUP BY "line_id"
HAVING count(*) > 1;

-- check relationships_order_id_sale_orders (error): offending rows
SELECT "child".*
FROM "dev_lakehouse"."finance_silver"."sale_order_lines" AS "child"
LEFT JOIN "dev_lakehouse"."finance_silver"."sale_orders" AS "parent" ON "child"."order_id" = "parent"."order_id"
WHERE "child"."order_id" IS NOT NULL AND "parent"."order_id" IS NULL;

-- check relationships_product_id_products (error): offending rows
SELECT "child".*
FROM "dev_lakehouse"."finance_silver"."sale_order_lines" AS "child"
LEFT JOIN "dev_lakehouse"."finance_silver"."products" AS "parent" ON "child"."product_id" = "parent"."product_id"
WHERE "child"."product_id" IS NOT NULL AND "parent"."product_id" IS NULL;

-- step invoices: transform into invoices (after partners)
DELETE FROM "dev_lakehouse"."finance_silver"."invoices";

INSERT INTO "dev_lakehouse"."finance_silver"."invoices" ("invoice_id", "invoice_ref", "partner_id", "order_ref", "invoice_date", "due_date", "amount_total", "amount_open", "payment_state")
SELECT
  CAST("src"."invoice_id" AS bigint) AS "invoice_id",
  CAST("src"."invoice_ref" AS varchar) AS "invoice_ref",
  CAST("src"."partner_id" AS bigint) AS "partner_id",
  CAST("src"."order_ref" AS varchar) AS "order_ref",
  CAST("src"."invoice_date" AS date) AS "invoice_date",
  CAST("src"."due_date" AS date) AS "due_date",
  CAST("src"."amount_total" AS decimal(14, 2)) AS "amount_total",
  CAST("src"."amount_open" AS decimal(14, 2)) AS "amount_open",
  CAST("src"."payment_state" AS varchar) AS "payment_state"
FROM (
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
  from "dev_lakehouse"."finance_bronze"."odoo_account_move" as m
  join "dev_lakehouse"."finance_silver"."partners" as p on p.partner_id = m.partner_id
  where m.move_type in ('out_invoice', 'out_refund') and m.state = 'posted'
) AS "src";

-- check unique_invoice_id (error): offending rows
SELECT "invoice_id", count(*) AS "duplicates"
FROM "dev_lakehouse"."finance_silver"."invoices"
WHERE "invoice_id" IS NOT NULL
GROUP BY "invoice_id"
HAVING count(*) > 1;

-- check accepted_values_payment_state (error): offending rows
SELECT *
FROM "dev_lakehouse"."finance_silver"."invoices"
WHERE "payment_state" IS NOT NULL AND "payment_state" NOT IN ('not_paid', 'partial', 'in_payment', 'paid', 'reversed');

-- check relationships_partner_id_partners (error): offending rows
SELECT "child".*
FROM "dev_lakehouse"."finance_silver"."invoices" AS "child"
LEFT JOIN "dev_lakehouse"."finance_silver"."partners" AS "parent" ON "child"."partner_id" = "parent"."partner_id"
WHERE "child"."partner_id" IS NOT NULL AND "parent"."partner_id" IS NULL;
