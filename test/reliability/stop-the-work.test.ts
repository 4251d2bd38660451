// A phase that ends stops the engine's work. A 2 s timeout on a query that would run for
// hours: the real `lakespec up` process fails the phase and exits, the phase's record ends
// within 5 s of its start. A cancelled run: its running DuckDB query is interrupted, so the
// worker returns and the engine answers the next statement at once.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.js';
import { CatalogStore, DbtExecutor, DuckDbEngine, LocalArtifactStore, RunQueue, SqlStepExecutor, Worker, applyPlan, desiredState, migrate, openPglite, openState, plan, runPhases } from '../../reconciler/index.js';
import { ROOT } from '../helpers/paths.js';

/** A transform over 9·10¹² rows: it runs until something stops it. */
const SLOW = (timeout: string) => `apiVersion: lakespec.dev/v1
kind: Workspace
metadata: { name: slow }
spec:
  catalog: lake
  environments: { dev: {} }
---
apiVersion: lakespec.dev/v1
kind: Dataset
metadata: { name: big }
spec:
  layer: gold
  columns: [{ name: id, type: bigint }]
---
apiVersion: lakespec.dev/v1
kind: Pipeline
metadata: { name: slow }
spec:
  engine: trino
  timeout: ${timeout}
  steps:
    - name: big
      type: transform
      into: big
      sql: |
        select cast(sum(x.i * y.i) % 1000 as bigint) as id
        from (select 1 as one) as z, generate_series(1, 3000000) as x(i), generate_series(1, 3000000) as y(i)
`;

function cli(args: string[], limitMs: number): Promise<{ code: number | null; stdout: string; stderr: string; ms: number; killed: boolean }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'lakespec.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const kill = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.on('close', (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr, ms: Date.now() - started, killed });
    });
  });
}

describe('a phase that ends stops the engine', () => {
  it('lakespec up: a 2 s timeout on an endless DuckDB query fails the phase and the process exits', async () => {
    const base = mkdtempSync(join(tmpdir(), 'lakespec-timeout-'));
    writeFileSync(join(base, 'specs.yaml'), SLOW('2s'));
    const state = join(base, 'state');
    // Without the interrupt the process never exits: it is killed after 90 s and the test fails.
    const up = await cli(['up', base, '--state', state], 90_000);
    expect(up.killed, up.stdout + up.stderr).toBe(false);
    expect(up.code).toBe(1);
    expect(up.stdout).toContain('✖ slow.big   failed after 1 attempt: timed out after 2 s');
    const s = await openState({ dir: state });
    try {
      const [phase] = (await s.db.query<{ status: string; ms: number }>("SELECT status, extract(epoch FROM finished_at - started_at) * 1000 AS ms FROM phases")).rows;
      expect(phase!.status).toBe('failed');
      expect(Number(phase!.ms)).toBeLessThan(5_000);
    } finally {
      await s.close();
    }
  }, 120_000);

  it('runs cancel: the running DuckDB query is interrupted and the engine is free again', async () => {
    const r = compile([{ path: 'specs.yaml', text: SLOW('1h') }], { environment: 'dev', gitSha: 'c'.repeat(40), backends: ['duckdb'] });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const ir = r.ir!;
    const db = await openPglite(undefined);
    await migrate(db);
    const queue = new RunQueue(db, new LocalArtifactStore(mkdtempSync(join(tmpdir(), 'lakespec-cancel-'))), { leaseSeconds: 3 });
    const store = new CatalogStore(db);
    const engine = await DuckDbEngine.open({ filesRoot: tmpdir() });
    try {
      const desired = desiredState(ir);
      const applied = await store.applied(ir.workspace, 'dev');
      await applyPlan(store, engine, { ir, desired, applied, plan: plan(desired, applied), manifestHash: r.manifest!.setHash, requester: 't', holder: 't' });
      const run = await queue.createRun({ workspace: ir.workspace, environment: 'dev', specSlug: 'slow', gitSha: ir.gitSha, trigger: 'test', requester: 't', phases: runPhases(ir, r.artifacts, 'duckdb', ['slow']) });
      const worker = new Worker(queue, [new SqlStepExecutor({ engine, filesRoot: tmpdir() })], { idleMs: 10 });
      const working = worker.runOnce();
      for (let i = 0; i < 100 && (await queue.phases(run.id))[0]!.status !== 'running'; i++) await new Promise((res) => setTimeout(res, 50));
      await new Promise((res) => setTimeout(res, 1000));
      const cancelledAt = Date.now();
      await queue.cancelRun(run.id, 'test', 'stop it');
      await working;
      // The next statement on the same connection gets its turn: nothing is left running.
      expect(await engine.rows('SELECT 42')).toEqual([[42]]);
      expect(Date.now() - cancelledAt).toBeLessThan(10_000);
      expect((await queue.getRun(run.id))!.status).toBe('cancelled');
    } finally {
      await engine.close();
      await db.close();
    }
  }, 120_000);

  it('dbt: a process that ignores SIGTERM is killed after the grace period when its phase times out', async () => {
    const work = mkdtempSync(join(tmpdir(), 'lakespec-dbt-stop-'));
    const pidFile = join(work, 'pid');
    // A stand-in for dbt that ignores SIGTERM and would run for ten minutes.
    writeFileSync(join(work, 'dbt_project.yml'), 'name: stand_in\n');
    const fake = join(work, 'dbt');
    writeFileSync(fake, `#!/bin/sh\necho $$ > ${pidFile}\ntrap '' TERM\nwhile true; do sleep 1; done\n`, { mode: 0o755 });
    const db = await openPglite(undefined);
    await migrate(db);
    const queue = new RunQueue(db, new LocalArtifactStore(join(work, 'artifacts')));
    try {
      const run = await queue.createRun({ workspace: 'w', environment: 'dev', specSlug: 'w/dbt', gitSha: 'c'.repeat(40), trigger: 'test', requester: 't', phases: [{ name: 'dbt.build', executor: 'dbt', input: { kind: 'dbt-build', pipeline: 'p', models: ['m'] }, timeoutSeconds: 2 }] });
      const worker = new Worker(queue, [new DbtExecutor({ dbt: fake, projectDir: work, env: process.env })], { idleMs: 10 });
      const started = Date.now();
      await worker.runOnce();
      const phase = (await queue.phases(run.id))[0]!;
      expect(phase.status).toBe('failed');
      expect(phase.error).toContain('timed out after 2 s');
      const pid = Number(readFileSync(pidFile, 'utf8'));
      let alive = true;
      for (let i = 0; i < 50 && alive; i++) {
        try {
          process.kill(pid, 0);
          await new Promise((r) => setTimeout(r, 200));
        } catch {
          alive = false;
        }
      }
      expect(alive, 'the dbt process is still running').toBe(false);
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      await db.close();
    }
  }, 60_000);
});
