// The contract every backend plug-in honours, run against each implementation.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_BACKENDS, type IRProject, createBackend, lower } from '../../compiler/index.js';
import { analyze, canonicalJson, readSpecFiles } from '../../spec/index.js';
import { EXAMPLES } from '../helpers/paths.js';
import { project } from '../helpers/specs.js';

function irOf(files = readSpecFiles(join(EXAMPLES, 'finance')).files, env = 'dev', freeze = true): IRProject {
  const a = analyze(files, { environment: env });
  const p = a.projects.get(env);
  if (!p) throw new Error(JSON.stringify(a.diagnostics));
  return lower(p, { gitSha: 'abc1234', freeze });
}

for (const id of ALL_BACKENDS) {
  describe(`backend contract: ${id}`, () => {
    const backend = createBackend(id);

    it('declares its id and capabilities', () => {
      expect(backend.id).toBe(id);
      expect(typeof backend.capabilities.partitioning).toBe('boolean');
      expect(typeof backend.capabilities.merge).toBe('boolean');
      expect(Array.isArray(backend.capabilities.unsupportedTypes)).toBe(true);
    });

    it('writes only under its own folder, with relative forward-slash paths', () => {
      const r = backend.emit(irOf());
      expect(r.artifacts.length).toBeGreaterThan(0);
      for (const a of r.artifacts) {
        expect(a.path.startsWith(`${id}/`)).toBe(true);
        expect(a.path).not.toMatch(/\\|\.\.|^\//);
        expect(a.kind.startsWith(`${id}.`)).toBe(true);
      }
    });

    it('is deterministic: the same IR gives the same bytes', () => {
      const a = backend.emit(irOf());
      const b = createBackend(id).emit(irOf());
      expect(a.artifacts).toEqual(b.artifacts);
    });

    it('never mutates the IR (frozen, it would throw; unfrozen, it reads the same after)', () => {
      const ir = irOf();
      expect(Object.isFrozen(ir)).toBe(true);
      expect(Object.isFrozen(ir.tables[0]!.columns)).toBe(true);
      expect(() => backend.emit(ir)).not.toThrow();
      const plain = irOf(undefined, undefined, false);
      expect(Object.isFrozen(plain.tables[0])).toBe(false);
      const before = canonicalJson(plain);
      backend.emit(plain);
      expect(canonicalJson(plain)).toBe(before);
    });

    it('reports what it cannot express as a diagnostic, never by throwing', () => {
      const ds = `apiVersion: lakespec.dev/v1
kind: Dataset
metadata:
  name: odd
spec:
  layer: gold
  columns:
    - { name: at_time, type: time(6) }
    - { name: id, type: uuid }
    - { name: attrs, type: "map(varchar, array(row(k varchar, v double)))" }
`;
      const pipe = `apiVersion: lakespec.dev/v1
kind: Pipeline
metadata:
  name: odd
spec:
  engine: spark
  steps:
    - name: odd
      type: transform
      into: odd
      sql: select * from {{ ref('orders') }}
`;
      const ir = irOf(project({ 'odd.yaml': ds, 'odd-pipeline.yaml': pipe }));
      const r = backend.emit(ir);
      for (const d of r.diagnostics) expect(d.code).toMatch(/^LS14\d\d$/);
      if (backend.capabilities.unsupportedTypes.includes('time')) expect(r.diagnostics.some((d) => d.code === 'LS1401')).toBe(true);
    });

  });
}

describe('file sources', () => {
  it('keep an absolute connection path absolute and a relative one relative to the spec root', async () => {
    const { filesPath } = await import('../../compiler/backends/sql-backend.js');
    const step = (path: string) => ({ source: { connection: { config: { path } }, path: 'x/orders.csv' } }) as never;
    expect(filesPath(step('/srv/exports/'))).toBe('/srv/exports/x/orders.csv');
    expect(filesPath(step('./data'))).toBe('data/x/orders.csv');
    expect(filesPath(step('data'))).toBe('data/x/orders.csv');
  });
});
