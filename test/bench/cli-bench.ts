// npm run bench:cli — what a user waits for at the command line, on examples/finance with the
// embedded default (PGlite + DuckDB in a state folder), side by side with `validate` of the
// same project in the same run: wall time and peak resident memory of the real process
// (GNU time), median of BENCH_RUNS runs each. The state-store commands are `runs`, `runs
// <id>` and a `plan` with nothing to change; `up` is measured once on a fresh state folder
// and once with nothing to apply.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLES, ROOT } from '../helpers/paths.js';
import { syntheticProject, writeProject } from './synthetic-project.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BIN = join(ROOT, 'bin', 'lakespec.js');

/** Wall time and peak RSS of one real lakespec process (GNU time reports both on stderr). */
function timed(args: string[], cwd: string): { seconds: number; mb: number; stdout: string } {
  const r = spawnSync('/usr/bin/time', ['-f', '__time %e %M', process.execPath, BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const m = /__time ([\d.]+) (\d+)/.exec(r.stderr ?? '');
  if (!m) throw new Error(`no timing for lakespec ${args.join(' ')} (is GNU time at /usr/bin/time?): ${r.stderr}`);
  return { seconds: Number(m[1]), mb: Number(m[2]) / 1024, stdout: r.stdout };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function row(label: string, args: string[], cwd: string, runs = RUNS): { label: string; seconds: number; mb: number } {
  const r = Array.from({ length: runs }, () => timed(args, cwd));
  return { label, seconds: median(r.map((x) => x.seconds)), mb: median(r.map((x) => x.mb)) };
}

const base = mkdtempSync(join(tmpdir(), 'bench-cli-'));
const dir = join(base, 'finance');
cpSync(join(EXAMPLES, 'finance'), dir, { recursive: true });
const state = ['--state', join(base, 'state')];
const rows = [row('validate (no state store)', ['validate', dir], base)];
const first = row('up (fresh state folder)', ['up', dir, ...state, '--git-sha', 'a'.repeat(40)], base, 1);
rows.push(first);
rows.push(row('up (nothing to apply)', ['up', dir, ...state, '--git-sha', 'a'.repeat(40)], base, 1));
const id = JSON.parse(timed(['runs', ...state, '--json'], base).stdout).runs[0].id as string;
rows.push(row('runs', ['runs', ...state], base));
rows.push(row('runs <id>', ['runs', id, ...state], base));
rows.push(row('plan (no changes)', ['plan', dir, ...state, '--git-sha', 'a'.repeat(40)], base));
const v = rows[0]!;
console.log(`bench:cli — examples/finance on the embedded default, node ${process.version}, median of ${RUNS} runs (up: 1 run each)`);
console.log('| command | wall | × validate | peak RSS |');
console.log('|---|---|---|---|');
for (const r of rows) console.log(`| ${r.label} | ${r.seconds.toFixed(2)} s | ${(r.seconds / v.seconds).toFixed(1)}× | ${r.mb.toFixed(0)} MB |`);
console.log('targets: a state-store command ≤ 3× validate and ≤ 150 MB; up ≤ 300 MB');

// A generated project of LARGE datasets (BENCH_CLI_LARGE, default 2000; 0 skips it): the
// no-op plan every pull request waits for, beside compile of the same project. Applied
// once first (tables only: the synthetic project has no data to run).
const LARGE = Number(process.env.BENCH_CLI_LARGE ?? 2000);
if (LARGE > 0) {
  const big = join(base, 'large');
  writeProject(big, syntheticProject(LARGE));
  const bigState = ['--state', join(base, 'large-state')];
  const sha = ['--git-sha', 'b'.repeat(40)];
  const large = [row('validate', ['validate', big], base, 1), row('compile', ['compile', big, '--env', 'dev', '--out', join(base, 'large-out')], base, 1)];
  large.push(row('apply (first: every table)', ['apply', big, ...bigState, ...sha], base, 1));
  large.push(row('plan (no changes)', ['plan', big, ...bigState, ...sha], base, 1));
  const compileRow = large[1]!;
  console.log('');
  console.log(`a generated project of ${LARGE} datasets, one run each`);
  console.log('| command | wall | × compile | peak RSS |');
  console.log('|---|---|---|---|');
  for (const r of large) console.log(`| ${r.label} | ${r.seconds.toFixed(2)} s | ${(r.seconds / compileRow.seconds).toFixed(1)}× | ${r.mb.toFixed(0)} MB |`);
  console.log('target: a no-op plan ≤ 2× compile');
}
