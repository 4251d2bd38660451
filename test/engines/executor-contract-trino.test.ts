// The executor contract for SQL steps on Trino 476 + Iceberg (test/helpers/executor-contract.ts):
// a stopped phase leaves no query running on the Trino server, and a Trino that cannot be
// reached is a transient failure, retried.
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { type SqlStepInput, SqlStepExecutor, TrinoEngine } from '../../reconciler/index.js';
import { useTrino } from '../harness/trino-suite.js';
import { contractInputs } from '../helpers/contract-specs.js';
import { executorContract } from '../helpers/executor-contract.js';

const suite = useTrino(['dev_lakehouse']);

executorContract(
  'sql steps on Trino',
  async () => {
    const engine = new TrinoEngine({ server: `http://127.0.0.1:${suite.trino.port}` });
    const inputs = await contractInputs(engine, 'lakehouse');
    return {
      executor: new SqlStepExecutor({ engine, filesRoot: tmpdir() }),
      ...inputs,
      // Nothing but this probe still running on the server (a cancel can take Trino a moment).
      transient: { executor: new SqlStepExecutor({ engine: new TrinoEngine({ server: 'http://127.0.0.1:1' }), filesRoot: tmpdir() }), input: inputs.success },
      leftRunning: async () => {
        let n = 0;
        for (let i = 0; i < 25; i++) {
          n = Number((await engine.rows("SELECT count(*) FROM system.runtime.queries WHERE state NOT IN ('FINISHED', 'FAILED') AND query NOT LIKE '%system.runtime.queries%'"))[0]![0]);
          if (n === 0) break;
          await new Promise((r) => setTimeout(r, 200));
        }
        return n;
      },
      close: async () => {},
    };
  },
  { transient: true, slowStartMs: 1500, append: true },
);

// A plain append on Trino is made once per phase by its query id (remembered before Trino
// starts the query, found in the Iceberg commit's summary after). The races a paused or
// lost worker can run, each with the real server.
describe('writes made once on Trino', () => {
  const setup = async () => {
    const engine = new TrinoEngine({ server: `http://127.0.0.1:${suite.trino.port}` });
    const inputs = await contractInputs(engine, 'lakehouse');
    const sqlOf = (input: unknown, once: boolean) => (input as SqlStepInput).step.actions.filter((a) => a.kind === 'sql' && (once ? a.once : a.sql.startsWith('INSERT'))).map((a) => (a as { sql: string }).sql)[0]!;
    return { engine, append: inputs.append, table: (inputs.append.input as SqlStepInput).step.table, appendSql: sqlOf(inputs.append.input, true), slowInsert: sqlOf(inputs.slow, false), slowTable: (inputs.slow as SqlStepInput).step.table };
  };

  it('a committed write is found by its query id', async () => {
    const { engine, append, table, appendSql } = await setup();
    const before = await append.rows();
    let recorded: Record<string, unknown> | undefined;
    await engine.writeOnce(appendSql, { key: 'k1', table, remember: async (d) => void (recorded = d) });
    expect(await append.rows()).toBe(before + 1);
    expect(recorded?.queryId).toMatch(/^\d{8}_\d{6}_\d{5}_\w+$/);
    expect(await engine.committedOnce({ key: 'k1', table, recorded: [recorded!] })).toBe(true);
    // Another query's id is not this write.
    expect(await engine.committedOnce({ key: 'k1', table, recorded: [{ queryId: '20000101_000000_00000_xxxxx' }] })).toBe(false);
  });

  it('a write remembered but not yet started is stopped by the next attempt, and never lands', async () => {
    const { engine, append, table, appendSql } = await setup();
    const before = await append.rows();
    let recorded: Record<string, unknown> | undefined;
    let resume!: () => void;
    const paused = new Promise<void>((r) => (resume = r));
    // The worker is paused between remembering the query and starting it (SIGSTOP, a GC pause).
    const zombie = engine.writeOnce(appendSql, { key: 'k2', table, remember: async (d) => ((recorded = d), await paused) });
    for (let i = 0; i < 100 && !recorded; i++) await new Promise((r) => setTimeout(r, 20));
    expect(recorded).toBeDefined();
    expect(await engine.committedOnce({ key: 'k2', table, recorded: [recorded!] })).toBe(false);
    resume();
    await expect(zombie).rejects.toThrow();
    expect(await append.rows()).toBe(before);
  });

  it('a write still running when the next attempt looks is cancelled first, so "not committed" is final', async () => {
    const { engine, slowInsert, slowTable } = await setup();
    let recorded: Record<string, unknown> | undefined;
    const zombie = engine.writeOnce(slowInsert, { key: 'k3', table: slowTable, remember: async (d) => void (recorded = d) }).then(
      () => 'finished',
      (e: Error) => e.message,
    );
    for (let i = 0; i < 100 && !recorded; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 1500)); // under way on the server
    const t0 = Date.now();
    expect(await engine.committedOnce({ key: 'k3', table: slowTable, recorded: [recorded!] })).toBe(false);
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(await zombie).toMatch(/cancel/i);
    const state = await engine.rows(`SELECT state FROM system.runtime.queries WHERE query_id = '${String(recorded!.queryId)}'`);
    expect(state).toEqual([['FAILED']]);
  }, 60_000);
});
