// The GitHub App's pure parts: the repository configuration, GitHub's output limits, what a
// delivery asks for, annotations from diagnostics, and the app manifest's least permissions.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HANDLED, MAX_OUTPUT_CHARS, annotationsOf, fitOutput, workItem } from '../../github-app/index.js';
import { diagnostic, parseRepoConfig } from '../../spec/index.js';
import { EXAMPLES } from '../helpers/github-fixture.js';
import { ROOT } from '../helpers/paths.js';

describe('.lakespec.yml', () => {
  it('reads every field and defaults the rest', () => {
    expect(parseRepoConfig('').config).toEqual({ specs: '.', pullRequests: {}, merges: { apply: true, run: 'affected' } });
    const { config, diagnostics } = parseRepoConfig('specs: lake/specs/\ndefaultBranch: trunk\npullRequests: { environment: stage }\nmerges: { environment: prod, run: all, apply: false, requireChecks: false }\n');
    expect(diagnostics).toEqual([]);
    expect(config).toEqual({ specs: 'lake/specs', defaultBranch: 'trunk', pullRequests: { environment: 'stage' }, merges: { environment: 'prod', apply: false, run: 'all', requireChecks: false } });
    // requireChecks unset: the merge's environment decides (required where it is protected).
    expect(parseRepoConfig('merges: { environment: prod }\n').config.merges.requireChecks).toBeUndefined();
    expect(parseRepoConfig('merges: { requireChecks: sometimes }\n').diagnostics[0]?.code).toBe('LS1501');
  });

  it('points at the offending key or value, with a stable code', () => {
    const { diagnostics } = parseRepoConfig('specs: ok\nmerges:\n  enviroment: prod\n  run: sometimes\n');
    expect(diagnostics.map((d) => [d.code, d.range?.start.line])).toEqual(
      expect.arrayContaining([
        ['LS1501', 3],
        ['LS1501', 4],
      ]),
    );
    expect(diagnostics.every((d) => d.file === '.lakespec.yml')).toBe(true);
  });

  it('refuses a spec folder outside the repository and hostile YAML', () => {
    expect(parseRepoConfig('specs: ../elsewhere\n').diagnostics[0]?.code).toBe('LS1501');
    expect(parseRepoConfig('specs: /etc\n').diagnostics[0]?.code).toBe('LS1501');
    expect(parseRepoConfig('specs: !!js/function "x"\n').diagnostics[0]?.code).toBe('LS1004');
    expect(parseRepoConfig('__proto__: { specs: x }\n').diagnostics[0]?.code).toBe('LS1005');
  });
});

describe('check output limits', () => {
  it('cuts long text under 65535 characters with a note, closing an open code block', () => {
    const long = '```diff\n' + '+ create table x\n'.repeat(10_000) + '```\n';
    const out = fitOutput(long);
    expect(out.length).toBeLessThanOrEqual(MAX_OUTPUT_CHARS);
    expect(out).toMatch(/truncated: \d+ more characters not shown/);
    expect((out.match(/^```/gm) ?? []).length % 2).toBe(0);
    expect(fitOutput('short')).toBe('short');
  });

  it('annotations: GitHub levels, columns only on one line, related locations in the details', () => {
    const [a, b] = annotationsOf([
      diagnostic('LS1304', 'unknown column', { location: { file: 'specs/a.yaml', range: { start: { line: 3, column: 5 }, end: { line: 3, column: 9 } } }, related: [{ message: 'declared here', location: { file: 'specs/b.yaml', range: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } } } }] }),
      diagnostic('LS1313', 'nullable key', { location: { file: 'specs/a.yaml', range: { start: { line: 4, column: 1 }, end: { line: 6, column: 2 } } } }),
    ]);
    expect(a).toMatchObject({ path: 'specs/a.yaml', start_line: 3, end_line: 3, start_column: 5, end_column: 9, annotation_level: 'failure', title: 'LS1304 Unknown column', raw_details: 'specs/b.yaml:1:1: declared here' });
    expect(b).toMatchObject({ start_line: 4, end_line: 6, annotation_level: 'warning' });
    expect(b).not.toHaveProperty('start_column');
  });
});

describe('what a delivery asks for', () => {
  it('every handled example maps to checks, an apply or nothing with a reason', () => {
    for (const [event, actions] of Object.entries(HANDLED)) {
      for (const ex of EXAMPLES.find((g) => g.name === event)?.examples ?? []) {
        if (actions !== '*' && !actions.includes(String(ex.action))) continue;
        const w = workItem(event, ex);
        expect(['checks', 'apply', 'none']).toContain(w.kind);
        if (w.kind === 'none') expect(w.reason.length).toBeGreaterThan(0);
        else expect(w.sha).toMatch(/^[0-9a-f]{40}$/);
      }
    }
  });

  it('pushes apply only on the default branch; fork pull requests are marked', () => {
    const base = { installation: { id: 1 }, repository: { full_name: 'o/r', name: 'r', owner: { login: 'o' }, default_branch: 'main' } };
    const sha = 'a'.repeat(40);
    expect(workItem('push', { ...base, ref: 'refs/heads/main', after: sha }).kind).toBe('apply');
    expect(workItem('push', { ...base, ref: 'refs/heads/dev', after: sha }).kind).toBe('none');
    expect(workItem('push', { ...base, ref: 'refs/heads/main', after: '0'.repeat(40), deleted: true }).kind).toBe('none');
    const pr = (head: string | null) => workItem('pull_request', { ...base, action: 'opened', pull_request: { number: 1, head: { sha, repo: head ? { full_name: head } : null }, base: { ref: 'main', repo: { full_name: 'o/r' } } } });
    expect(pr('o/r')).toMatchObject({ kind: 'checks', fork: false });
    expect(pr('mallory/r')).toMatchObject({ kind: 'checks', fork: true });
    expect(pr(null)).toMatchObject({ kind: 'checks', fork: true });
  });
});

describe('the app manifest', () => {
  it('asks for the least permissions and exactly the events the app handles', () => {
    const m = JSON.parse(readFileSync(join(ROOT, 'docs', 'github-app-manifest.json'), 'utf8')) as { default_permissions: Record<string, string>; default_events: string[]; hook_attributes: { url: string } };
    expect(m.default_permissions).toEqual({ checks: 'write', contents: 'read', pull_requests: 'read', metadata: 'read' });
    // ping and installation events are sent to every app without subscribing.
    const subscribable = Object.keys(HANDLED).filter((e) => e !== 'ping' && !e.startsWith('installation')).sort();
    expect([...m.default_events].sort()).toEqual(subscribable);
    expect(m.hook_attributes.url).toMatch(/\/github\/webhooks$/);
  });
});
