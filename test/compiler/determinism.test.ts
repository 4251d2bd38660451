// Same specs + same commit → byte-identical artifacts and hashes, whatever the file order,
// time zone, locale or process.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Artifact, CompileCache, FileMemo, ManifestMemo, buildManifest, compile, joinedArtifact, manifestJson } from '../../compiler/index.js';
import { readSpecFiles, sha256 } from '../../spec/index.js';
import { EXAMPLES, ROOT } from '../helpers/paths.js';

const SHA = 'feedfacefeedfacefeedfacefeedfacefeedface';
const { files } = readSpecFiles(join(EXAMPLES, 'finance'));

describe('determinism', () => {
  const baseline = compile(files, { environment: 'dev', gitSha: SHA });

  it('same input twice → identical artifacts', () => {
    const again = compile(files, { environment: 'dev', gitSha: SHA });
    expect(again.artifacts).toEqual(baseline.artifacts);
    expect(again.manifest!.setHash).toBe(baseline.manifest!.setHash);
  });

  it('file order and file layout do not matter (property)', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(files, { minLength: files.length, maxLength: files.length }), (shuffled) => {
        const r = compile(shuffled, { environment: 'dev', gitSha: SHA });
        expect(r.manifest!.setHash).toBe(baseline.manifest!.setHash);
      }),
      { numRuns: 25 },
    );
    // Moving a file to another folder changes nothing either.
    const moved = files.map((f) => (f.path === 'datasets/gold.yaml' ? { ...f, path: 'elsewhere/deeper/gold.yaml' } : f));
    expect(compile(moved, { environment: 'dev', gitSha: SHA }).manifest!.setHash).toBe(baseline.manifest!.setHash);
  });

  it('a different commit or environment changes the hash', () => {
    expect(compile(files, { environment: 'dev', gitSha: SHA.replace('f', '0') }).manifest!.setHash).not.toBe(baseline.manifest!.setHash);
    expect(compile(files, { environment: 'prod', gitSha: SHA }).manifest!.setHash).not.toBe(baseline.manifest!.setHash);
  });

  it('time zone and locale do not matter (separate processes)', () => {
    const hashes = [
      { TZ: 'UTC', LANG: 'C', LC_ALL: 'C' },
      { TZ: 'Pacific/Chatham', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' },
      { TZ: 'America/St_Johns', LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' },
    ].map((env) => {
      const out = join(mkdtempSync(join(tmpdir(), 'lakespec-det-')), 'out');
      execFileSync(process.execPath, [join(ROOT, 'bin', 'lakespec.js'), 'compile', join(EXAMPLES, 'finance'), '--env', 'dev', '--git-sha', SHA, '--out', out], {
        env: { ...process.env, ...env },
        stdio: 'pipe',
      });
      return JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).setHash as string;
    });
    expect(new Set(hashes).size).toBe(1);
    expect(hashes[0]).toBe(baseline.manifest!.setHash);
  });

  it('the manifest lists every artifact with its sha256', () => {
    const m = baseline.manifest!;
    const paths = baseline.artifacts.map((a) => a.path).filter((p) => p !== 'manifest.json');
    expect(m.artifacts.map((a) => a.path)).toEqual(paths);
    for (const a of m.artifacts) expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(m.setHash).toMatch(/^[0-9a-f]{64}$/);
    // manifest.json is assembled from memoized entries; it must be exactly the JSON of the manifest.
    expect(baseline.artifacts.find((a) => a.path === 'manifest.json')!.content).toBe(JSON.stringify(m, null, 2) + '\n');
  });

  it('every manifest entry is the sha256 and size of the text the artifact gives when read, also when reused by a recompile', () => {
    // Pipeline plans and scripts are hashed when rendered and rendered again on each read.
    const cache = new CompileCache();
    const first = compile(files, { environment: 'dev', gitSha: SHA, cache });
    const edited = files.map((f) => (f.path === 'datasets/gold.yaml' ? { ...f, text: f.text.replace(/description: /, 'description: Edited. ') } : f));
    const second = compile(edited, { environment: 'dev', gitSha: SHA, cache });
    expect(second.manifest!.setHash).not.toBe(first.manifest!.setHash);
    for (const r of [first, second]) {
      const byPath = new Map(r.artifacts.map((a) => [a.path, a]));
      expect(r.artifacts.some((a) => a.digest !== undefined)).toBe(true);
      for (const e of r.manifest!.artifacts) {
        const text = byPath.get(e.path)!.content;
        expect({ path: e.path, sha256: sha256(text), bytes: Buffer.byteLength(text, 'utf8') }).toEqual({ path: e.path, sha256: e.sha256, bytes: e.bytes });
      }
    }
  });

  it('the memoized manifest text is JSON.stringify of the manifest, for any paths and order (property)', () => {
    const kinds = ['trino.ddl', 'dbt.model', 'ir'] as const;
    const artifact = fc.record({ path: fc.string({ unit: 'grapheme', minLength: 1 }), kind: fc.constantFrom(...kinds), content: fc.string() });
    fc.assert(
      fc.property(fc.uniqueArray(artifact, { selector: (a) => a.path, maxLength: 12 }), fc.array(fc.string(), { maxLength: 3 }), (list, backends) => {
        const memo = new ManifestMemo();
        const meta = { workspace: 'w"\\s', environment: 'dév', gitSha: SHA, specHash: 'x', backends };
        const m = buildManifest(list as Artifact[], memo, meta);
        expect(manifestJson(m, memo)).toBe(JSON.stringify(m, null, 2) + '\n');
        expect(manifestJson(m)).toBe(JSON.stringify(m, null, 2) + '\n');
        // Memoized again: the same text, and the same entries in path order.
        const again = buildManifest(list as Artifact[], memo, meta);
        expect(manifestJson(again, memo)).toBe(manifestJson(m, memo));
        expect(again.artifacts.map((e) => e.path)).toEqual([...list].map((a) => a.path).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      }),
      { numRuns: 200 },
    );
  });

  it('an artifact joined from pieces hashes and measures as its joined text, surrogate pairs split across pieces included (property)', () => {
    // Large pieces cross the 64 KB batches the hash is fed in, or exceed a batch on their
    // own; lone halves of a pair sit at piece ends.
    const piece = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom('\ud83d', '\ude00', 'é', '\ud83d\ude00'),
      fc.nat({ max: 70000 }).map((n) => 'x'.repeat(n)),
      fc.integer({ min: 65536, max: 70000 }).map((n) => 'x'.repeat(n) + '\ud83d'),
      fc.integer({ min: 87000, max: 100000 }).map((n) => '\ude00' + 'é'.repeat(n) + '\ud83d'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
        const memo = new ManifestMemo();
        const joined = memo.piece(joinedArtifact('a.sql', 'trino.ddl', parts)).entry;
        const plain = memo.piece({ path: 'a.sql', kind: 'trino.ddl', content: parts.join('') }).entry;
        expect(joined).toEqual(plain);
      }),
      { numRuns: 300 },
    );
  });

  it('a file rehashed after an edit, resuming from a saved hash state, hashes as its joined text (property)', () => {
    // Parts of 40-140 KB and a state saved every 64 KB (1 MB in use): many saved states; edits anywhere in the list.
    const big = fc.tuple(fc.integer({ min: 40_000, max: 140_000 }), fc.constantFrom('x', 'é', '\ud83d\ude00'), fc.constantFrom('', '\ud83d', '\ude00')).map(([n, c, end]) => c.repeat(Math.ceil(n / c.length)) + end);
    const part = fc.oneof(big, fc.string({ maxLength: 30 }), fc.constantFrom('\ud83d', '\ude00'));
    const edit = fc.tuple(fc.nat(), fc.constantFrom('replace', 'insert', 'delete', 'truncate'), part);
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 40 }), fc.array(edit, { minLength: 1, maxLength: 3 }), (parts, edits) => {
        const memo = new FileMemo(65536);
        const first = memo.file('lakespec/ir.json', 'ir', parts);
        let next = [...parts];
        for (const [at, op, p] of edits) {
          const i = next.length === 0 ? 0 : at % next.length;
          if (op === 'replace' && next.length > 0) next[i] = p + '!';
          else if (op === 'insert') next.splice(i, 0, p);
          else if (op === 'delete') next.splice(i, 1);
          else next = next.slice(0, i);
        }
        const second = memo.file('lakespec/ir.json', 'ir', next);
        const joined = next.join('');
        expect(second.digest).toEqual({ sha256: sha256(joined), bytes: Buffer.byteLength(joined, 'utf8') });
        expect(first.digest!.sha256).toBe(sha256(parts.join('')));
      }),
      { numRuns: 60 },
    );
  });
});

describe('determinism: key order inside the YAML', () => {
  it('reordering keys of a mapping does not change the artifacts', () => {
    const swapped = files.map((f) =>
      f.path === 'datasets/bronze.yaml'
        ? { ...f, text: f.text.replace('{ type: accepted_values, column: state, values: [draft, sent, sale, done, cancel] }', '{ values: [draft, sent, sale, done, cancel], column: state, type: accepted_values }') }
        : f.path === 'connections.yaml'
          ? { ...f, text: f.text.replace('  host: odoo-db.internal\n  port: 5432\n', '  port: 5432\n  host: odoo-db.internal\n') }
          : f,
    );
    expect(swapped).not.toEqual(files);
    const a = compile(files, { environment: 'dev', gitSha: SHA });
    const b = compile(swapped, { environment: 'dev', gitSha: SHA });
    expect(b.artifacts.filter((x) => x.path !== 'manifest.json')).toEqual(a.artifacts.filter((x) => x.path !== 'manifest.json'));
  });
});

describe('default environment', () => {
  it('compile without an environment uses the workspace defaultEnvironment, not the first declared', () => {
    const swapped = files.map((f) => (f.path === 'workspace.yaml' ? { ...f, text: f.text.replace('defaultEnvironment: dev', 'defaultEnvironment: prod') } : f));
    expect(compile(swapped, { gitSha: SHA }).manifest!.environment).toBe('prod');
    expect(compile(files, { gitSha: SHA }).manifest!.environment).toBe('dev');
  });
});
