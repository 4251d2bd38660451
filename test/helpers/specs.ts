// Small in-memory spec projects for tests.
import type { SourceFile } from '../../spec/index.js';

export const WORKSPACE = `apiVersion: lakespec.dev/v1
kind: Workspace
metadata:
  name: shop
spec:
  catalog: lake
  environments:
    dev: {}
    prod: {}
`;

export const ORDERS = `apiVersion: lakespec.dev/v1
kind: Dataset
metadata:
  name: orders
spec:
  layer: silver
  columns:
    - { name: id, type: bigint, nullable: false }
    - { name: customer_id, type: bigint }
    - { name: ordered_at, type: timestamp(6) }
    - { name: amount, type: "decimal(12,2)" }
  primaryKey: [id]
`;

export const RAW_ORDERS = `apiVersion: lakespec.dev/v1
kind: Dataset
metadata:
  name: raw_orders
spec:
  layer: bronze
  columns:
    - { name: id, type: bigint, nullable: false }
    - { name: customer_id, type: bigint }
    - { name: ordered_at, type: timestamp(6) }
    - { name: amount, type: "decimal(12,2)" }
`;

export const FILES_CONNECTION = `apiVersion: lakespec.dev/v1
kind: Connection
metadata:
  name: exports
spec:
  type: files
  path: data
`;

export const PIPELINE = `apiVersion: lakespec.dev/v1
kind: Pipeline
metadata:
  name: shop
spec:
  engine: trino
  steps:
    - name: load
      type: ingest
      from: { connection: exports, path: orders.csv }
      into: raw_orders
    - name: clean
      type: transform
      into: orders
      sql: |
        select id, customer_id, ordered_at, amount
        from {{ ref('raw_orders') }}
`;

export function files(entries: Record<string, string>): SourceFile[] {
  return Object.entries(entries).map(([path, text]) => ({ path, text }));
}

/** A valid small project; override or add files by path. */
export function project(extra: Record<string, string> = {}): SourceFile[] {
  return files({
    'workspace.yaml': WORKSPACE,
    'connections.yaml': FILES_CONNECTION,
    'datasets/orders.yaml': ORDERS,
    'datasets/raw-orders.yaml': RAW_ORDERS,
    'pipelines/shop.yaml': PIPELINE,
    ...extra,
  });
}

/** The files connection plus a PostgreSQL connection whose password is an env reference (for canary tests). */
export const CONNECTION_WITH_CANARY = `${FILES_CONNECTION}---
apiVersion: lakespec.dev/v1
kind: Connection
metadata:
  name: warehouse
spec:
  type: postgres
  host: 127.0.0.1
  port: 1
  database: shop
  user: reader
  password: { fromEnv: SHOP_DB_PASSWORD }
`;
