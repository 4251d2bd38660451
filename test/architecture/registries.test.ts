// The registries are the one list of each kind of plug-in: every entry builds a plug-in of
// its own id, and what routes work to a plug-in names only ids that are registered.
import { describe, expect, it } from 'vitest';
import { ALL_BACKENDS, BACKENDS, createBackend, isBackendId } from '../../compiler/index.js';
import { ENGINES, ENGINE_IDS, PIPELINE_EXECUTORS, isEngineId, missingExecutors } from '../../reconciler/index.js';

describe('registries', () => {
  it('backends: each entry builds the backend of its id, in the order compile lists them', () => {
    expect(ALL_BACKENDS).toEqual(['duckdb', 'trino', 'spark', 'dbt']);
    for (const id of ALL_BACKENDS) expect(createBackend(id).id).toBe(id);
    expect(Object.keys(BACKENDS)).toEqual([...ALL_BACKENDS]);
    expect(isBackendId('postgres')).toBe(false);
    expect(isBackendId('constructor')).toBe(false);
  });

  it('engines: each entry opens the engine of its id', async () => {
    expect(ENGINE_IDS).toEqual(['duckdb', 'trino']);
    for (const id of ENGINE_IDS) {
      const engine = await ENGINES[id].open({ stateDir: '/nonexistent', filesRoot: '.', trinoUrl: 'http://127.0.0.1:1' });
      expect(engine.id).toBe(id);
      if (id === 'trino') expect(engine.backend.id).toBe('trino');
      await engine.close();
    }
    expect(isEngineId('spark')).toBe(false);
  });

  it('pipeline executors: each entry builds an executor of its id, and says how to enable it', async () => {
    const env = { LAKESPEC_DBT: '/opt/dbt/bin/dbt', LAKESPEC_SPARK_MODE: 'local', LAKESPEC_SPARK_SUBMIT: '/opt/spark/bin/spark-submit', LAKESPEC_SPARK_JAVA_HOME: '/usr/lib/jvm/java-17' };
    for (const entry of PIPELINE_EXECUTORS) {
      const executor = await entry.fromEnv(env, { workDir: '/tmp' });
      expect(executor?.id).toBe(entry.id);
      expect(await entry.fromEnv({}, { workDir: '/tmp' })).toBeUndefined();
      const [line] = missingExecutors([{ name: 'p.step', executor: entry.id, dependsOn: [], input: {} }], []);
      expect(line).toContain(entry.enable);
    }
  });
});
