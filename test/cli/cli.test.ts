// The CLI as a user meets it: help, exit codes, formats, and no stack traces.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLES, FIXTURES, ROOT } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

const finance = join(EXAMPLES, 'finance');

describe('lakespec CLI', () => {
  it('prints help for the program and every command', async () => {
    const top = await runCli(['--help'], ROOT);
    expect(top.code).toBe(0);
    for (const cmd of ['validate', 'compile', 'graph']) {
      expect(top.stdout).toContain(cmd);
      const r = await runCli([cmd, '--help'], ROOT);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: lakespec ${cmd}`);
    }
  });

  it('exits 2 on usage errors, with a message and no stack trace', async () => {
    for (const argv of [['frobnicate'], ['validate', '--nope'], ['validate', finance, '--format', 'xml'], ['compile', finance], ['compile', finance, '--out', '/tmp/x', '--backend', 'oracle'], []]) {
      const r = await runCli(argv, ROOT);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stdout + r.stderr).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
    }
  });

  it('validate: exit 0 on the example for every environment, 1 on errors', async () => {
    for (const env of ['dev', 'prod', 'pr_7']) expect((await runCli(['validate', finance, '--env', env], ROOT)).code).toBe(0);
    const bad = await runCli(['validate', join(FIXTURES, 'diagnostics', 'type-errors')], ROOT);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/orders\.yaml:12:27 {2}error LS1306 {2}column "note"/);
    expect(bad.stdout).toContain('^^^^^^');
  });

  it('validate: unknown environment is an error naming the declared ones', async () => {
    const r = await runCli(['validate', finance, '--env', 'prdo'], ROOT);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('environment "prdo" is not declared in workspace "finance"; did you mean "prod"?');
  });

  it('validate --format sarif gives SARIF 2.1.0 with rules and regions', async () => {
    const r = await runCli(['validate', join(FIXTURES, 'diagnostics', 'unknown-reference'), '--format', 'sarif'], ROOT);
    const sarif = JSON.parse(r.stdout);
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0];
    expect(run.tool.driver.rules.map((x: { id: string }) => x.id)).toContain('LS1302');
    const res = run.results.find((x: { ruleId: string }) => x.ruleId === 'LS1302');
    expect(res.level).toBe('error');
    expect(res.locations[0].physicalLocation.region.startLine).toBeGreaterThan(0);
    expect(res.locations[0].physicalLocation.artifactLocation.uri).toMatch(/pipeline\.yaml$/);
  });

  it('compile writes artifacts and a manifest; refuses to clobber a foreign folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lakespec-cli-'));
    const out = join(dir, 'out');
    const r = await runCli(['compile', finance, '--env', 'prod', '--out', out, '--git-sha', 'abcdef0'], ROOT);
    expect(r.code).toBe(0);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m.environment).toBe('prod');
    for (const a of m.artifacts) expect(existsSync(join(out, a.path))).toBe(true);
    // Recompiling over our own output is fine: unchanged files are kept (the same inode,
    // linked into the new folder), and a file edited by hand is written afresh.
    const kept = join(out, 'trino', 'tables', 'gold.sql');
    const edited = join(out, 'trino', 'checks', 'silver.sql');
    const original = readFileSync(edited, 'utf8');
    const inode = statSync(kept).ino;
    writeFileSync(edited, original + '-- edited by hand\n');
    const again = await runCli(['compile', finance, '--env', 'prod', '--out', out, '--git-sha', 'abcdef0'], ROOT);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`\\(2 written, ${m.artifacts.length - 1} unchanged and kept\\)`));
    expect(statSync(kept).ino).toBe(inode);
    expect(readFileSync(edited, 'utf8')).toBe(original);
    expect((await runCli(['compile', finance, '--env', 'prod', '--out', out], ROOT)).code).toBe(0);
    const foreign = join(dir, 'precious');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'thesis.txt'), 'do not delete');
    const refused = await runCli(['compile', finance, '--out', foreign], ROOT);
    expect(refused.code).toBe(2);
    expect(readFileSync(join(foreign, 'thesis.txt'), 'utf8')).toBe('do not delete');
  });

  it('compile writes nothing when there are errors', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'lakespec-cli-')), 'out');
    const r = await runCli(['compile', join(FIXTURES, 'diagnostics', 'dependency-cycle'), '--out', out], ROOT);
    expect(r.code).toBe(1);
    expect(existsSync(out)).toBe(false);
    expect(r.stdout).toContain('nothing written');
  });

  it('graph prints Mermaid, DOT and JSON', async () => {
    const m = await runCli(['graph', finance], ROOT);
    expect(m.stdout).toMatch(/^flowchart LR/);
    expect(m.stdout).toContain('step_sales_silver_sale_orders');
    const d = await runCli(['graph', finance, '--format', 'dot'], ROOT);
    expect(d.stdout).toMatch(/^digraph /);
    const j = JSON.parse((await runCli(['graph', finance, '--json'], ROOT)).stdout);
    expect(j.edges).toContainEqual({ from: 'dataset:sale_orders', to: 'step:finance_marts.daily_revenue', kind: 'reads' });
  });

  it('works as a real process through bin/lakespec.js (exit codes preserved)', () => {
    const ok = spawnSync(process.execPath, [join(ROOT, 'bin', 'lakespec.js'), 'validate', finance], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('no problems');
    const bad = spawnSync(process.execPath, [join(ROOT, 'bin', 'lakespec.js'), 'validate', join(FIXTURES, 'diagnostics', 'yaml-syntax')], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(execFileSync(process.execPath, [join(ROOT, 'bin', 'lakespec.js'), '--version'], { encoding: 'utf8' })).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('meets a first-time user: suggestions, plain option errors, missing folders and a closed pipe', async () => {
    const plna = await runCli(['plna', finance], ROOT);
    expect(plna.code).toBe(2);
    expect(plna.stderr).toBe('lakespec: unknown command "plna"; did you mean "plan"?\nRun "lakespec --help" for the commands.\n');
    expect((await runCli(['valdate'], ROOT)).stderr).toContain('did you mean "validate"?');
    const opt = await runCli(['compile', finance, '--outt', 'x'], ROOT);
    expect(opt.code).toBe(2);
    expect(opt.stderr).toContain('lakespec compile: unknown option --outt; did you mean --out?');
    expect((await runCli(['compile', finance, '--out'], ROOT)).stderr).toContain('lakespec compile: --out needs a value');
    const file = await runCli(['compile', finance, '--out', 'README.md'], ROOT);
    expect(file.code).toBe(2);
    expect(file.stderr).toContain('--out README.md is a file; name a folder');
    // No folder named, and the working directory is not a spec folder (the repository root holds test fixtures).
    for (const cmd of ['validate', 'compile', 'plan']) {
      const r = await runCli(cmd === 'compile' ? [cmd, '--out', join(tmpdir(), 'x')] : [cmd], ROOT);
      expect(r.code, cmd).toBe(2);
      expect(r.stderr, cmd).toContain('name the folder that holds the specs (e.g. "lakespec validate examples/finance")');
      expect(r.stdout, cmd).not.toContain('LS1');
    }
    // Standing in the spec folder, no folder is needed.
    expect((await runCli(['validate'], finance)).code).toBe(0);
    const run = await runCli(['run', 'examples/finance'], ROOT);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"examples/finance" is a folder; name the pipeline first: lakespec run <pipeline> examples/finance (or lakespec run --all examples/finance)');

    // A reader that goes away ends the command quietly.
    // (up writes as it goes: the plan, then the apply, then each phase.)
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'lakespec.js'), 'up', finance, '--state', mkdtempSync(join(tmpdir(), 'lakespec-epipe-'))], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('does not read a compile output inside the spec folder as specs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lakespec-out-inside-'));
    cpSync(finance, dir, { recursive: true });
    const before = await runCli(['validate', dir], ROOT);
    expect((await runCli(['compile', dir, '--out', join(dir, 'out_dev')], ROOT)).code).toBe(0);
    const after = await runCli(['validate', dir], ROOT);
    expect(after.code).toBe(0);
    expect(after.stdout).toBe(before.stdout);
  });

  it('shows the first 100 problems of thousands, then how many more, with the full count in the summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lakespec-many-errors-'));
    writeFileSync(join(dir, 'workspace.yaml'), 'apiVersion: lakespec.dev/v1\nkind: Workspace\nmetadata: { name: w }\nspec: { catalog: lake, environments: { dev: {} } }\n');
    const columns = Array.from({ length: 300 }, (_, i) => `    - { name: c${i}, type: strng }`).join('\n');
    writeFileSync(join(dir, 'wide.yaml'), `apiVersion: lakespec.dev/v1\nkind: Dataset\nmetadata: { name: wide }\nspec:\n  layer: bronze\n  columns:\n${columns}\n`);
    const r = await runCli(['validate', dir], ROOT);
    expect(r.code).toBe(1);
    expect(r.stdout.match(/(error|warning) LS1\d+/g)?.length).toBe(100);
    expect(r.stdout).toContain('… and 201 more problems (201 errors) not shown: fix these first, or see them all with "lakespec validate --format json".');
    expect(r.stdout).toMatch(/✖ 300 errors, \d+ warnings? in 2 files/);
    const all = JSON.parse((await runCli(['validate', dir, '--format', 'json'], ROOT)).stdout) as { diagnostics: unknown[] };
    expect(all.diagnostics.length).toBeGreaterThanOrEqual(300);
  });
});
