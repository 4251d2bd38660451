// npm run bench:engines — examples/finance end to end (bronze → silver → gold, with checks)
// on the embedded DuckDB versus a single-node Trino 476 with Iceberg, in one run; prints the
// times, their ratio, and the gold tables' content hashes on both (they must be equal).
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbEngine, TrinoEngine, runExtract } from '../../reconciler/index.js';
import { compile } from '../../compiler/index.js';
import { readSpecFiles } from '../../spec/index.js';
import { engines } from '../harness/engines.js';
import { startPostgres } from '../harness/postgres-server.js';
import { startTrino } from '../harness/trino-server.js';
import { createTables, duckTableHash, openDuck, rowExpression, rowsHash, runPipelines } from '../helpers/duckdb-pipelines.js';
import { EXAMPLES } from '../helpers/paths.js';
import { splitSql } from '../helpers/split-sql.js';
import { runTrinoStep, trinoPlans } from '../helpers/trino-pipelines.js';

const root = join(EXAMPLES, 'finance');
const PIPELINES = ['erp_ingest', 'sales_silver', 'finance_marts', 'customer_marts'];
const GOLD = ['daily_revenue', 'receivables_ageing', 'top_customers'];
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

async function main(): Promise<void> {
  // The marts are dbt and Spark pipelines in the example; here every pipeline runs on the engine measured.
  const files = readSpecFiles(root).files.map((f) =>
    f.path.startsWith('pipelines/') ? { ...f, text: f.text.replace('engine: dbt', 'engine: trino').replace('engine: spark\n  connection: spark_k8s', 'engine: trino') } : f,
  );
  const r = compile(files, { environment: 'dev', gitSha: 'bench00', backends: ['duckdb', 'trino'] });
  if (r.diagnostics.some((d) => d.severity === 'error')) throw new Error(r.diagnostics[0]!.message);
  const gold = GOLD.map((n) => r.ir!.tables.find((t) => t.name === n)!);
  const fq = (t: (typeof gold)[number]) => `"${t.physical.catalog}"."${t.physical.schema}"."${t.physical.table}"`;

  const duckTimes: number[] = [];
  let duckHashes: { rows: number; hash: string }[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const duck = await openDuck({ dev_lakehouse: ':memory:' }, root);
    await createTables(duck, r.artifacts);
    await runPipelines(duck, r.artifacts, PIPELINES);
    duckTimes.push(performance.now() - t);
    duckHashes = await Promise.all(gold.map((g) => duckTableHash(duck, fq(g), g.columns)));
    duck.close();
  }

  const pg = await startPostgres();
  const trino = await startTrino(engines(), pg, ['dev_lakehouse']).catch(async (e) => {
    await pg.stop();
    throw e;
  });
  const trinoTimes: number[] = [];
  let load: string[] = [];
  let trinoHashes: { rows: number; hash: string }[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      for (const a of r.artifacts.filter((x) => x.kind === 'trino.ddl')) for (const s of splitSql(a.content)) await trino.query(s);
      for (const name of PIPELINES) {
        for (const step of trinoPlans(r.artifacts).find((p) => p.pipeline === name)!.steps) {
          await runTrinoStep(trino, step, root);
          for (const c of step.checks) await trino.query(c.sql);
        }
      }
      trinoTimes.push(performance.now() - t);
      trinoHashes = [];
      for (const g of gold) trinoHashes.push(rowsHash((await trino.query(`SELECT ${rowExpression(g.columns, 'trino')} AS r FROM ${fq(g)}`)).rows.map((x) => String(x[0]))));
    }
    load = await loadBench(trino);
  } finally {
    await trino.stop();
    await pg.stop();
  }

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const d = median(duckTimes);
  const t = median(trinoTimes);
  console.log(`examples/finance end to end (4 pipelines, 13 tables, checks included), median of ${RUNS} runs`);
  console.log(`| engine | time | runs (ms) |`);
  console.log(`|---|---|---|`);
  console.log(`| DuckDB (embedded, in process) | ${d.toFixed(0)} ms | ${duckTimes.map((x) => x.toFixed(0)).join(', ')} |`);
  console.log(`| Trino 476 + Iceberg (single node, JDBC catalog on PostgreSQL) | ${t.toFixed(0)} ms | ${trinoTimes.map((x) => x.toFixed(0)).join(', ')} |`);
  console.log(`Trino ÷ DuckDB: ${(t / d).toFixed(1)}×`);
  console.log('');
  console.log('| gold table | rows | DuckDB sha256 | Trino sha256 | equal |');
  console.log('|---|---|---|---|---|');
  let allEqual = true;
  gold.forEach((g, i) => {
    const eq = duckHashes[i]!.hash === trinoHashes[i]!.hash && duckHashes[i]!.rows === trinoHashes[i]!.rows;
    allEqual &&= eq;
    console.log(`| ${g.name} | ${duckHashes[i]!.rows} | ${duckHashes[i]!.hash.slice(0, 16)}… | ${trinoHashes[i]!.hash.slice(0, 16)}… | ${eq ? 'yes' : 'NO'} |`);
  });
  console.log('');
  for (const line of load) console.log(line);
  if (!allEqual) process.exitCode = 1;
}

/**
 * Loading one CSV file of LOAD_ROWS rows (bigint, varchar, decimal, timestamp) with the
 * executor's own extract: into DuckDB (read_csv, as the DuckDB backend does), into Trino +
 * Iceberg as a Parquet file registered with add_files (what lakespec does when it can), and
 * into Trino with batched INSERT … VALUES (the fallback) — that one on a smaller file, since
 * at its speed the large one takes hours: rows per second are compared, and said so.
 */
async function loadBench(trino: Awaited<ReturnType<typeof startTrino>>): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-load-'));
  const n = Number(process.env.BENCH_LOAD_ROWS ?? 1_000_000);
  const small = Number(process.env.BENCH_LOAD_SMALL_ROWS ?? 2_000);
  const columns = [
    { name: 'id', type: 'bigint' },
    { name: 'name', type: 'varchar' },
    { name: 'amount', type: 'decimal(12,2)' },
    { name: 'at', type: 'timestamp(6)' },
  ];
  const rowsSql = (count: number) => `SELECT i::BIGINT AS id, 'customer ' || i || CASE WHEN i % 7 = 0 THEN ', "quoted"' ELSE '' END AS name, CASE WHEN i % 11 = 0 THEN NULL ELSE (i * 1.25)::DECIMAL(12,2) END AS amount, TIMESTAMP '2026-01-01' + to_seconds(i) AS at FROM range(${count}) t(i)`;
  const duck = await DuckDbEngine.open({ filesRoot: dir });
  const out: string[] = [];
  try {
    await duck.run(`COPY (${rowsSql(n)}) TO '${join(dir, 'big.csv')}' (HEADER, DELIMITER ',')`);
    await duck.run(`COPY (${rowsSql(small)}) TO '${join(dir, 'small.csv')}' (HEADER, DELIMITER ',')`);
    const sizeMb = (statSync(join(dir, 'big.csv')).size / 1e6).toFixed(0);
    // DuckDB: the step the DuckDB backend compiles (read_csv with the declared types).
    await duck.run('CREATE SCHEMA IF NOT EXISTS memory.bench');
    await duck.run(`CREATE TABLE memory.bench.t (id BIGINT, name VARCHAR, amount DECIMAL(12,2), "at" TIMESTAMP)`);
    let t0 = performance.now();
    await duck.run(`INSERT INTO memory.bench.t SELECT * FROM read_csv('${join(dir, 'big.csv')}', header = true, auto_detect = false, columns = {'id': 'BIGINT', 'name': 'VARCHAR', 'amount': 'DECIMAL(12,2)', 'at': 'TIMESTAMP'})`);
    const duckMs = performance.now() - t0;
    const engine = new TrinoEngine({ server: `http://127.0.0.1:${trino.port}` });
    const table = async (name: string) => {
      await trino.query(`CREATE SCHEMA IF NOT EXISTS dev_lakehouse.bench`);
      await trino.query(`CREATE TABLE dev_lakehouse.bench.${name} (id bigint, name varchar, amount decimal(12,2), at timestamp(6))`);
      return `"dev_lakehouse"."bench"."${name}"`;
    };
    const extract = (file: string, into: string, parquetLoad: boolean) =>
      runExtract({ kind: 'extract', connection: 'bench', connectionType: 'files', path: file, format: 'csv', into, columns }, { engine, filesRoot: dir, connection: { type: 'files', config: {} }, env: {}, parquetLoad, onSlowLoad: (why) => out.push(`(fast load refused: ${why})`) });
    const fastTable = await table('fast');
    t0 = performance.now();
    const fastRows = await extract('big.csv', fastTable, true);
    const fastMs = performance.now() - t0;
    const slowTable = await table('slow');
    t0 = performance.now();
    const slowRows = await extract('small.csv', slowTable, false);
    const slowMs = performance.now() - t0;
    const check = async (t: string) => (await trino.query(`SELECT count(*), count(amount), CAST(sum(amount) AS varchar) FROM ${t}`)).rows[0]!.map(String).join(' / ');
    const duckCheck = (await duck.rows('SELECT count(*), count(amount), CAST(sum(amount) AS VARCHAR) FROM memory.bench.t'))[0]!.map(String).join(' / ');
    const rate = (rows: number, ms: number) => `${Math.round(rows / (ms / 1000)).toLocaleString('en-US')} rows/s`;
    out.push(`Loading a CSV file (bigint, varchar with quotes, decimal with NULLs, timestamp) with the executor's extract:`);
    out.push(`| into | file | time | rows/s | count / non-null / sum |`);
    out.push(`|---|---|---|---|---|`);
    out.push(`| DuckDB (read_csv, as the DuckDB backend) | ${n.toLocaleString('en-US')} rows, ${sizeMb} MB | ${(duckMs / 1000).toFixed(2)} s | ${rate(n, duckMs)} | ${duckCheck} |`);
    out.push(`| Trino 476 + Iceberg, Parquet file + add_files (lakespec's load) | ${fastRows.toLocaleString('en-US')} rows, ${sizeMb} MB | ${(fastMs / 1000).toFixed(2)} s | ${rate(fastRows, fastMs)} | ${await check(fastTable)} |`);
    out.push(`| Trino 476 + Iceberg, batched INSERT … VALUES (the fallback; a smaller file) | ${slowRows.toLocaleString('en-US')} rows | ${(slowMs / 1000).toFixed(2)} s | ${rate(slowRows, slowMs)} | ${await check(slowTable)} |`);
    out.push(`Trino's Parquet load ÷ DuckDB's read_csv: ${(fastMs / duckMs).toFixed(1)}× the time (target: ≥ 50,000 rows/s into Trino)`);
  } finally {
    await duck.close();
  }
  return out;
}

await main();
