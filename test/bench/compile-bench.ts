// npm run bench:compile — compile speed and memory on synthetic projects, side by side with
// `dbt parse` on the dbt project lakespec emits for the same specs (when dbt is installed).
// Prints figures; asserts nothing. Each measurement runs in a fresh process so that "cold"
// means cold and peak memory belongs to one project size.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CompileCache, compile } from '../../compiler/index.js';
import { readSpecFiles } from '../../spec/index.js';
import { ROOT } from '../helpers/paths.js';
import { syntheticProject, writeProject } from './synthetic-project.js';

const SELF = fileURLToPath(import.meta.url);
const CLI = join(ROOT, 'bin', 'lakespec.js');

interface ChildResult {
  datasets: number;
  files: number;
  artifacts: number;
  coldMs: number;
  noopMs: number;
  /** The first edit after the cold compile: it also pays for V8 compiling the recompile's code paths. */
  oneFileFirstMs: number;
  /** Median of ONE_FILE_EDITS edits, each to another file, as in a watch loop. */
  oneFileMs: number;
  /** Peak resident memory of the process after the cold compile, after the no-ops and the first edit, and at the end. */
  peakColdRssMb: number;
  peakFirstEditRssMb: number;
  peakRssMb: number;
}

const maxRssMb = () => process.resourceUsage().maxRSS / 1024;

const ONE_FILE_EDITS = 9;

/** Runs inside a fresh process: cold validate+compile, no-op recompiles, one-file-change recompiles. */
function child(dir: string, datasets: number): void {
  const cache = new CompileCache();
  const options = { environment: 'dev', gitSha: 'be0c4d1', cache };
  let t = performance.now();
  const { files } = readSpecFiles(dir);
  const first = compile(files, options);
  const coldMs = performance.now() - t;
  const peakColdRssMb = maxRssMb();
  if (first.diagnostics.some((d) => d.severity === 'error')) throw new Error('synthetic project has errors: ' + first.diagnostics[0]?.message);
  // Each recompile re-reads the folder, as a watch loop would.
  const noop: number[] = [];
  for (let i = 0; i < 5; i++) {
    t = performance.now();
    compile(readSpecFiles(dir).files, options);
    noop.push(performance.now() - t);
  }
  // Edit one dataset file on disk (a description changes), then re-read and recompile; each edit in another file.
  const edits: number[] = [];
  let peakFirstEditRssMb = 0;
  let last = first.manifest?.setHash;
  const parts = readdirSync(join(dir, 'datasets')).sort();
  for (let i = 0; i < ONE_FILE_EDITS; i++) {
    const target = join(dir, 'datasets', parts[(i * 7 + 1) % parts.length]!);
    writeFileSync(target, readFileSync(target, 'utf8').replace('Identifier.', `Identifier (edit ${i}).`));
    t = performance.now();
    const edited = compile(readSpecFiles(dir).files, options);
    edits.push(performance.now() - t);
    if (i === 0) peakFirstEditRssMb = maxRssMb();
    if (edited.manifest?.setHash === last) throw new Error('the edit did not change the output');
    last = edited.manifest?.setHash;
  }
  const result: ChildResult = {
    datasets,
    files: files.length,
    artifacts: first.artifacts.length,
    coldMs,
    noopMs: median(noop),
    oneFileFirstMs: edits[0]!,
    oneFileMs: median(edits),
    peakColdRssMb,
    peakFirstEditRssMb,
    peakRssMb: maxRssMb(),
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function timeCommand(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, cwd?: string): { ms: number; ok: boolean; out: string } {
  const t = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, cwd, maxBuffer: 64 * 1024 * 1024 });
  return { ms: performance.now() - t, ok: r.status === 0, out: (r.stdout ?? '') + (r.stderr ?? '') };
}

/** The engines install's dbt (its engines.json), unless LAKESPEC_DBT names another; then an older venv, then PATH. */
function findDbt(): string | undefined {
  const engines = join(process.env.LAKESPEC_ENGINES_DIR ?? join(homedir(), '.cache', 'lakespec'), 'engines.json');
  let installed: string | undefined;
  try {
    installed = (JSON.parse(readFileSync(engines, 'utf8')) as { dbt?: string }).dbt;
  } catch {
    installed = undefined; // not installed: `npm run engines:install`
  }
  const candidates = [process.env.LAKESPEC_DBT, installed, join(homedir(), '.cache', 'lakespec', 'dbt-venv', 'bin', 'dbt')].filter(Boolean) as string[];
  for (const c of candidates) if (existsSync(c)) return c;
  const which = spawnSync('sh', ['-c', 'command -v dbt'], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() : undefined;
}

function fmt(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

function main(): void {
  const sizes = (process.env.BENCH_SIZES ?? '1000,10000').split(',').map(Number);
  const work = mkdtempSync(join(tmpdir(), 'lakespec-bench-'));
  const dbt = findDbt();
  console.log(`lakespec compile benchmark — node ${process.version}, ${process.platform}/${process.arch}`);
  console.log(`dbt: ${dbt ? `dbt-core ${/installed:\s*(\S+)/.exec(spawnSync(dbt, ['--version'], { encoding: 'utf8' }).stdout)?.[1] ?? '?'} (${dbt})` : 'not installed (set LAKESPEC_DBT or run the engines install) — dbt parse column skipped'}`);
  console.log('');

  // validate of a one-file project, end to end (process start to exit), median of 15.
  const one = join(work, 'one');
  writeProject(one, [
    {
      path: 'all.yaml',
      text: `apiVersion: lakespec.dev/v1\nkind: Workspace\nmetadata: { name: shop }\nspec: { catalog: lake, environments: { dev: {} } }\n---\napiVersion: lakespec.dev/v1\nkind: Dataset\nmetadata: { name: orders }\nspec:\n  layer: silver\n  columns:\n    - { name: id, type: bigint, nullable: false }\n`,
    },
  ]);
  const runs = Array.from({ length: 15 }, () => timeCommand(process.execPath, [CLI, 'validate', one]));
  if (!runs.every((r) => r.ok)) throw new Error('validate failed: ' + runs[0]!.out);
  const baseline = Array.from({ length: 15 }, () => timeCommand(process.execPath, ['-e', '0']));
  console.log(`validate, one-file project, end to end: ${fmt(median(runs.map((r) => r.ms)))} (median of 15; bare \`node -e 0\`: ${fmt(median(baseline.map((r) => r.ms)))})`);
  console.log('');

  const rows: string[][] = [['datasets', 'files', 'artifacts', 'cold validate+compile', 'no-op recompile', `one-file recompile (median of ${ONE_FILE_EDITS}; first)`, `peak RSS (cold; + first edit; + all ${ONE_FILE_EDITS})`, 'CLI compile incl. writes', 'dbt parse', 'dbt parse ÷ lakespec cold']];
  for (const n of sizes) {
    const dir = join(work, `p${n}`);
    writeProject(dir, syntheticProject(n));
    const c = spawnSync(process.execPath, ['--max-old-space-size=4096', SELF, '--child', dir, String(n)], { encoding: 'utf8' });
    if (c.status !== 0) throw new Error(`child for ${n} failed: ${c.stderr}`);
    const r = JSON.parse(c.stdout.trim().split('\n').pop()!) as ChildResult;
    writeProject(dir, syntheticProject(n)); // undo the child's edit
    const out = join(work, `out${n}`);
    const cli = timeCommand(process.execPath, [CLI, 'compile', dir, '--env', 'dev', '--out', out, '--git-sha', 'be0c4d1']);
    if (!cli.ok) throw new Error('CLI compile failed: ' + cli.out);
    let dbtCell = '—';
    let ratioCell = '—';
    if (dbt) {
      const project = join(out, 'dbt');
      const env = { ...process.env, LAKESPEC_DUCKDB_DIR: join(work, `duck${n}`), DBT_SEND_ANONYMOUS_USAGE_STATS: 'false', DO_NOT_TRACK: '1' };
      const d = timeCommand(dbt, ['parse', '--project-dir', project, '--profiles-dir', project, '--no-partial-parse', '--quiet'], env);
      if (!d.ok) dbtCell = 'failed: ' + d.out.split('\n').filter(Boolean).slice(-2).join(' ');
      else {
        dbtCell = fmt(d.ms);
        ratioCell = `${(d.ms / r.coldMs).toFixed(1)}×`;
      }
    }
    rows.push([String(n), String(r.files), String(r.artifacts), fmt(r.coldMs), fmt(r.noopMs), `${fmt(r.oneFileMs)} (first ${fmt(r.oneFileFirstMs)})`, `${r.peakColdRssMb.toFixed(0)}; ${r.peakFirstEditRssMb.toFixed(0)}; ${r.peakRssMb.toFixed(0)} MB`, fmt(cli.ms), dbtCell, ratioCell]);
    rmSync(out, { recursive: true, force: true });
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const [i, r] of rows.entries()) {
    console.log('| ' + r.map((c, j) => c.padEnd(widths[j]!)).join(' | ') + ' |');
    if (i === 0) console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  }
  console.log('');
  console.log('cold = read files + parse + validate + resolve + compile all four backends + manifest, in a fresh process (no writes);');
  console.log('no-op recompile = re-read the folder and recompile with nothing changed (median of 5);');
  console.log(`one-file recompile = re-read the folder and recompile after editing one dataset file, each time another (median of ${ONE_FILE_EDITS});`);
  console.log('the first of them also pays for V8 compiling the recompile code paths. Peak RSS is the process high-water mark');
  console.log('after the cold compile, after the no-ops and first edit, and after all edits (old garbage accumulates until a full GC).');
  rmSync(work, { recursive: true, force: true });
}

if (process.argv[2] === '--child') child(process.argv[3]!, Number(process.argv[4]));
else main();
