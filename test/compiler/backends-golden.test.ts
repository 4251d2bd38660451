// Golden files for every backend: the artifacts of examples/finance per environment.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.js';
import { readSpecFiles } from '../../spec/index.js';
import { expectGoldenTree } from '../helpers/golden.js';
import { EXAMPLES, GOLDEN } from '../helpers/paths.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';

describe('examples/finance artifacts (golden)', () => {
  const { files } = readSpecFiles(join(EXAMPLES, 'finance'));
  for (const env of ['dev', 'prod', 'pr_42']) {
    it(env, () => {
      const r = compile(files, { environment: env, gitSha: SHA });
      expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const byBackend = new Set(r.artifacts.map((a) => a.path.split('/')[0]));
      for (const b of ['trino', 'duckdb', 'spark', 'dbt']) expect(byBackend).toContain(b);
      expectGoldenTree(join(GOLDEN, 'finance', env), new Map(r.artifacts.map((a) => [a.path, a.content])));
    });
  }
});
