// sparkConf that points a compiled Spark job's Iceberg catalog at the test engines' catalog
// (Iceberg JDBC on the test PostgreSQL, file:// warehouse shared with the test Trino) instead
// of the cluster's REST catalog on S3. null removes a key.
export function testCatalogConf(catalog: string, pgPort: number, warehouse: string): Record<string, string | null> {
  return {
    [`spark.sql.catalog.${catalog}.type`]: 'jdbc',
    [`spark.sql.catalog.${catalog}.uri`]: `jdbc:postgresql://127.0.0.1:${pgPort}/iceberg_catalog`,
    [`spark.sql.catalog.${catalog}.jdbc.user`]: 'lakespec',
    [`spark.sql.catalog.${catalog}.jdbc.password`]: 'lakespec',
    [`spark.sql.catalog.${catalog}.warehouse`]: `file://${warehouse}/${catalog}`,
    [`spark.sql.catalog.${catalog}.io-impl`]: 'org.apache.iceberg.hadoop.HadoopFileIO',
    [`spark.sql.catalog.${catalog}.s3.endpoint`]: null,
    [`spark.sql.catalog.${catalog}.s3.path-style-access`]: null,
    [`spark.sql.catalog.${catalog}.client.region`]: null,
  };
}
