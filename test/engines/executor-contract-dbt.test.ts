// The executor contract for dbt (dbt-duckdb) phases (test/helpers/executor-contract.ts): a
// stopped phase leaves no dbt process behind. A model that fails is terminal; dbt-duckdb
// has no connection to lose, so the transient case is Trino's.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DbtExecutor } from '../../reconciler/index.js';
import { engines } from '../harness/engines.js';
import { contractDbtProject } from '../helpers/contract-specs.js';
import { writeDbtProject } from '../helpers/dbt-project.js';
import { executorContract } from '../helpers/executor-contract.js';

executorContract(
  'dbt-duckdb builds',
  async () => {
    const work = mkdtempSync(join(tmpdir(), 'lakespec-dbt-contract-'));
    const project = join(work, 'project');
    writeDbtProject(contractDbtProject().artifacts, project);
    mkdirSync(join(work, 'duck'));
    const input = (model: string) => ({ kind: 'dbt-build', pipeline: model, models: [model] });
    return {
      executor: new DbtExecutor({ dbt: engines().dbt, projectDir: project, env: { ...process.env, LAKESPEC_DBT_TARGET: 'duckdb', LAKESPEC_DUCKDB_DIR: join(work, 'duck') } }),
      success: input('ok'),
      terminal: input('bad'),
      slow: input('slow'),
      // dbt processes of this project still alive.
      leftRunning: async () => {
        for (let i = 0; i < 25; i++) {
          let n = 0;
          try {
            n = execFileSync('pgrep', ['-f', project]).toString().trim().split('\n').filter(Boolean).length;
          } catch {
            n = 0; // pgrep exits 1 when nothing matches
          }
          if (n === 0) return 0;
          await new Promise((r) => setTimeout(r, 200));
        }
        return 1;
      },
      close: async () => {},
    };
  },
  // dbt takes a few seconds to start before its model runs.
  { slowStartMs: 6000 },
);
