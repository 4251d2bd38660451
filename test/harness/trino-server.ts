// A real single-node Trino for tests: tpch, memory and Iceberg catalogs (JDBC catalog on the
// test PostgreSQL, local-filesystem warehouse), a free port, readiness measured as a
// successful query on a worker (not a log line), logs kept for failures, always stopped.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BasicAuth, Trino } from 'trino-client';
import type { Engines } from './engines.js';
import { freePort } from './free-port.js';
import type { PostgresServer } from './postgres-server.js';

export interface TrinoServer {
  port: number;
  /** The Iceberg warehouse folder (tables at file://<warehouse>/<catalog>/…). */
  warehouse: string;
  /** Runs one statement and returns all rows (as arrays) and column names. */
  query(sql: string): Promise<{ columns: string[]; rows: unknown[][] }>;
  logs(): string;
  stop(): Promise<void>;
}

const JDBC_CATALOG_DDL = [
  `CREATE TABLE IF NOT EXISTS iceberg_tables (catalog_name VARCHAR(255) NOT NULL, table_namespace VARCHAR(255) NOT NULL, table_name VARCHAR(255) NOT NULL, metadata_location VARCHAR(1000), previous_metadata_location VARCHAR(1000), PRIMARY KEY (catalog_name, table_namespace, table_name))`,
  `CREATE TABLE IF NOT EXISTS iceberg_namespace_properties (catalog_name VARCHAR(255) NOT NULL, namespace VARCHAR(255) NOT NULL, property_key VARCHAR(255), property_value VARCHAR(1000), PRIMARY KEY (catalog_name, namespace, property_key))`,
];

export async function startTrino(e: Engines, pgServer: PostgresServer, icebergCatalogs: string[], timeoutMs = 180_000): Promise<TrinoServer> {
  const base = mkdtempSync(join(tmpdir(), 'lakespec-trino-'));
  const etc = join(base, 'etc');
  const warehouse = join(base, 'warehouse');
  mkdirSync(join(etc, 'catalog'), { recursive: true });
  mkdirSync(warehouse, { recursive: true });
  const port = await freePort();
  writeFileSync(join(etc, 'node.properties'), `node.environment=test\nnode.id=lakespec-test\nnode.data-dir=${join(base, 'data')}\n`);
  writeFileSync(
    join(etc, 'config.properties'),
    [
      'coordinator=true',
      'node-scheduler.include-coordinator=true',
      `http-server.http.port=${port}`,
      `discovery.uri=http://127.0.0.1:${port}`,
      'query.max-memory=1GB',
      'query.max-memory-per-node=1GB',
      'catalog.management=static',
    ].join('\n') + '\n',
  );
  writeFileSync(
    join(etc, 'jvm.config'),
    ['-server', '-Xmx2G', '-XX:+UseG1GC', '-XX:+ExitOnOutOfMemoryError', '-Djdk.attach.allowAttachSelf=true', '-XX:-UsePerfData'].join('\n') + '\n',
  );
  writeFileSync(join(etc, 'log.properties'), 'io.trino=WARN\n');
  writeFileSync(join(etc, 'catalog', 'tpch.properties'), 'connector.name=tpch\n');
  writeFileSync(join(etc, 'catalog', 'memory.properties'), 'connector.name=memory\n');
  await pgServer.createDatabase('iceberg_catalog').catch(() => undefined);
  for (const ddl of JDBC_CATALOG_DDL) await pgServer.query(ddl, 'iceberg_catalog');
  for (const name of icebergCatalogs) {
    writeFileSync(
      join(etc, 'catalog', `${name}.properties`),
      [
        'connector.name=iceberg',
        'iceberg.catalog.type=jdbc',
        `iceberg.jdbc-catalog.catalog-name=${name}`,
        'iceberg.jdbc-catalog.driver-class=org.postgresql.Driver',
        `iceberg.jdbc-catalog.connection-url=jdbc:postgresql://127.0.0.1:${pgServer.port}/iceberg_catalog`,
        'iceberg.jdbc-catalog.connection-user=lakespec',
        'iceberg.jdbc-catalog.connection-password=lakespec',
        // file:// locations (Trino's local file system serves both local:// and file://, from
        // the root given below): Spark's Iceberg (HadoopFileIO) reads and writes the same paths.
        `iceberg.jdbc-catalog.default-warehouse-dir=file://${warehouse}/${name}`,
        'fs.native-local.enabled=true',
        'local.location=/',
        // What lakespec's fast load needs (ALTER TABLE … EXECUTE add_files); off by default in Trino.
        'iceberg.add-files-procedure.enabled=true',
      ].join('\n') + '\n',
    );
  }
  const logFile = join(base, 'server.log');
  writeFileSync(logFile, '');
  const proc: ChildProcess = spawn(join(e.trinoHome, 'bin', 'launcher'), ['run', `--etc-dir=${etc}`, `--data-dir=${join(base, 'data')}`], {
    env: { ...process.env, JAVA_HOME: e.javaHome, PATH: `${join(e.javaHome, 'bin')}:${process.env.PATH}` },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let log = '';
  proc.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  let exited = false;
  proc.on('exit', () => (exited = true));

  const client = Trino.create({ server: `http://127.0.0.1:${port}`, catalog: 'tpch', schema: 'tiny', auth: new BasicAuth('lakespec') });
  const query = async (sql: string) => {
    const iter = await client.query(sql);
    const rows: unknown[][] = [];
    let columns: string[] = [];
    for await (const r of iter) {
      if (r.error) throw new Error(`${r.error.message}\n-- in:\n${sql}`);
      if (r.columns) columns = r.columns.map((c) => c.name);
      if (r.data) rows.push(...r.data);
    }
    return { columns, rows };
  };
  const stop = async () => {
    if (!exited && proc.pid) {
      try {
        process.kill(-proc.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      const deadline = Date.now() + 15_000;
      while (!exited && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (!exited) process.kill(-proc.pid, 'SIGKILL');
    }
    rmSync(base, { recursive: true, force: true });
  };
  const started = Date.now();
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`Trino exited during start-up:\n${log.slice(-3000)}`);
    }
    try {
      // `SELECT 1` answers before the node has registered; a query that needs a worker does not.
      const r = await query('SELECT count(*) FROM tpch.tiny.region');
      if (r.rows[0]?.[0] === 5) break;
    } catch {
      /* not ready yet ("no nodes", connection refused …) */
    }
    if (Date.now() - started > timeoutMs) {
      await stop();
      throw new Error(`Trino did not answer a query within ${timeoutMs / 1000} s:\n${log.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { port, warehouse, query, logs: () => log + readFileSync(logFile, 'utf8'), stop };
}
