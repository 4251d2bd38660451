// npm run bench:engines — examples/finance end to end (bronze → silver → gold, with checks)
// on the embedded DuckDB versus a single-node Trino 476 with Iceberg, in one run; prints the
// times, their ratio, and the gold tables' content hashes on both (they must be equal).
import { join } from 'node:path';
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
  if (!allEqual) process.exitCode = 1;
}

await main();
