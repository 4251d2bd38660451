// The layers import one way (spec → compiler → reconciler → github-app → cli), and a layer
// reaches another only through an index.ts: the layer's own, or that of one of its folders
// that a light command loads alone (`validate` needs the transform checks, not the whole
// reconciler). Read from the sources' import statements, so a new file is checked as soon as
// it exists.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';

const LAYERS = ['spec', 'compiler', 'reconciler', 'github-app', 'cli'] as const;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' || e.name === 'node_modules' ? [] : sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Relative module specifiers of a file's static and dynamic imports and re-exports. */
function importsOf(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\b[^'"`;]*?\bfrom\s+'([^']+)'/gm)) out.push(m[1]!);
  for (const m of text.matchAll(/^\s*import\s+'([^']+)'/gm)) out.push(m[1]!);
  for (const m of text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) out.push(m[1]!);
  return out.filter((s) => s.startsWith('.'));
}

const layerOf = (file: string) => LAYERS.indexOf(relative(ROOT, file).split(sep)[0] as (typeof LAYERS)[number]);

describe('layering', () => {
  const edges = LAYERS.flatMap((layer) =>
    sources(join(ROOT, layer)).flatMap((file) => importsOf(readFileSync(file, 'utf8')).map((spec) => ({ file, target: resolve(dirname(file), spec.replace(/\.js$/, '.ts')), spec }))),
  );

  it('reads the imports of every layer', () => {
    for (const layer of LAYERS) expect(edges.some((e) => relative(ROOT, e.file).startsWith(layer + sep)), layer).toBe(true);
    expect(edges.length).toBeGreaterThan(300);
  });

  it('imports flow one way: no layer imports a layer above it', () => {
    const against = edges.filter((e) => layerOf(e.target) > layerOf(e.file)).map((e) => `${relative(ROOT, e.file)} imports ${e.spec}`);
    expect(against).toEqual([]);
  });

  it('a layer reaches another only through an index.ts', () => {
    const around = edges
      .filter((e) => layerOf(e.target) >= 0 && layerOf(e.target) !== layerOf(e.file))
      .filter((e) => !/^[^/]+\/(?:[^/]+\/)?index\.ts$/.test(relative(ROOT, e.target).split(sep).join('/')))
      .map((e) => `${relative(ROOT, e.file)} imports ${e.spec}`);
    expect(around).toEqual([]);
  });

  it('the GitHub App and the CLI hold no SQL of the state store: they go through named stores', () => {
    const sql = ['github-app', 'cli'].flatMap((layer) =>
      sources(join(ROOT, layer)).flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .map((line, i) => ({ line, at: `${relative(ROOT, file)}:${i + 1}` }))
          .filter((l) => /\.query\s*(<|\()/.test(l.line) || /\b(INSERT INTO|DELETE FROM|UPDATE \w+ SET|SELECT .* FROM \w+)\b/.test(l.line))
          .map((l) => l.at),
      ),
    );
    expect(sql).toEqual([]);
  });

  it('in the reconciler, state-store statements are in reconciler/state/', () => {
    const outside = sources(join(ROOT, 'reconciler'))
      .filter((f) => !relative(ROOT, f).startsWith(join('reconciler', 'state') + sep))
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .map((line, i) => ({ line, at: `${relative(ROOT, file)}:${i + 1}` }))
          // The state store's handles are db, tx and q; engines and source connections use their own clients.
          .filter((l) => /\b(db|tx|q)\.query\s*(<|\()/.test(l.line))
          .map((l) => l.at),
      );
    expect(outside).toEqual([]);
  });

  it('the check sees a violation when there is one', () => {
    expect(importsOf("import { x } from '../../cli/main.js';\nexport { y } from './y.js';\nconst m = await import('../z.js');")).toEqual(['../../cli/main.js', './y.js', '../z.js']);
  });
});
