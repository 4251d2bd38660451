// The executor contract for SQL steps on the embedded DuckDB (test/helpers/executor-contract.ts).
// DuckDB in process has no transient failure to provoke for real, so that case is Trino's.
import { tmpdir } from 'node:os';
import { DuckDbEngine, SqlStepExecutor } from '../../reconciler/index.js';
import { contractInputs } from '../helpers/contract-specs.js';
import { executorContract } from '../helpers/executor-contract.js';

executorContract('sql steps on DuckDB', async () => {
  const engine = await DuckDbEngine.open({ filesRoot: tmpdir() });
  const inputs = await contractInputs(engine, 'lake');
  return {
    executor: new SqlStepExecutor({ engine, filesRoot: tmpdir() }),
    ...inputs,
    // One connection runs one statement at a time: a query left running would hold the next one up.
    leftRunning: async () => {
      const answered = await Promise.race([engine.rows('SELECT 42').then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 1000))]);
      return answered ? 0 : 1;
    },
    close: () => engine.close(),
  };
}, { append: true });
