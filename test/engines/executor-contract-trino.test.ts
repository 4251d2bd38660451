// The executor contract for SQL steps on Trino 476 + Iceberg (test/helpers/executor-contract.ts):
// a stopped phase leaves no query running on the Trino server, and a Trino that cannot be
// reached is a transient failure, retried.
import { tmpdir } from 'node:os';
import { SqlStepExecutor, TrinoEngine } from '../../reconciler/index.js';
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
  { transient: true, slowStartMs: 1500 },
);
