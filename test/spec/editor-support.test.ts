// Editors: the real yaml-language-server validates and completes lakespec specs from the
// published JSON Schemas (docs/spec-reference.md, "Editor support").
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient } from '../helpers/lsp-client.js';
import { ROOT } from '../helpers/paths.js';

const require = createRequire(import.meta.url);
const server = require.resolve('yaml-language-server/bin/yaml-language-server');

interface Diag {
  message: string;
  range: { start: { line: number; character: number } };
}

describe('yaml-language-server with schemas/', () => {
  let lsp: LspClient;
  const dir = mkdtempSync(join(tmpdir(), 'lakespec-lsp-'));
  const schemaUri = pathToFileURL(join(ROOT, 'schemas', 'lakespec.schema.json')).href;

  beforeAll(async () => {
    lsp = new LspClient(process.execPath, [server, '--stdio']);
    lsp.settings = { validate: true, completion: true, hover: true, schemaStore: { enable: false }, schemas: { [schemaUri]: ['*.yaml'] } };
    await lsp.request('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: { textDocument: { completion: { completionItem: { snippetSupport: false } } }, workspace: { configuration: true } } });
    lsp.notify('initialized', {});
    lsp.notify('workspace/didChangeConfiguration', { settings: { yaml: lsp.settings } });
  });

  afterAll(async () => {
    await lsp?.close();
  });

  function open(name: string, text: string): string {
    const uri = pathToFileURL(join(dir, name)).href;
    writeFileSync(join(dir, name), text);
    lsp.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    return uri;
  }

  it('reports schema errors on the right line, resolving the shared definitions', async () => {
    const uri = open(
      'orders.yaml',
      'apiVersion: lakespec.dev/v1\nkind: Dataset\nmetadata:\n  name: Orders\nspec:\n  layer: sliver\n  columns:\n    - { name: id, type: bigint, nullabel: false }\n',
    );
    const d = await lsp.waitFor<{ uri: string; diagnostics: Diag[] }>('textDocument/publishDiagnostics', (p) => p.uri === uri && p.diagnostics.length > 0);
    const lines = d.diagnostics.map((x) => x.range.start.line);
    expect(lines).toContain(3); // name: Orders — the pattern lives in common.schema.json (a cross-file $ref)
    expect(lines).toContain(5); // layer: sliver (0-based line 5)
    expect(lines).toContain(7); // nullabel
    expect(JSON.stringify(d.diagnostics)).not.toMatch(/Unable to load schema|resolve reference/i);
  });

  it('a valid spec gets no diagnostics', async () => {
    const uri = open('ok.yaml', 'apiVersion: lakespec.dev/v1\nkind: Dataset\nmetadata:\n  name: ok\nspec:\n  layer: silver\n  columns:\n    - { name: id, type: bigint }\n');
    const d = await lsp.waitFor<{ uri: string; diagnostics: Diag[] }>('textDocument/publishDiagnostics', (p) => p.uri === uri);
    expect(d.diagnostics).toEqual([]);
  });

  it('completes property names and enum values', async () => {
    const text = 'apiVersion: lakespec.dev/v1\nkind: Dataset\nmetadata:\n  name: x\nspec:\n  \n';
    const uri = open('complete.yaml', text);
    const res = await lsp.request<{ items: { label: string }[] } | { label: string }[]>('textDocument/completion', { textDocument: { uri }, position: { line: 5, character: 2 } });
    const labels = (Array.isArray(res) ? res : res.items).map((i) => i.label);
    expect(labels).toEqual(expect.arrayContaining(['layer', 'columns', 'partitioning', 'checks']));
    const uri2 = open('complete2.yaml', 'apiVersion: lakespec.dev/v1\nkind: Dataset\nmetadata:\n  name: x\nspec:\n  layer: \n');
    const res2 = await lsp.request<{ items: { label: string }[] } | { label: string }[]>('textDocument/completion', { textDocument: { uri: uri2 }, position: { line: 5, character: 9 } });
    const values = (Array.isArray(res2) ? res2 : res2.items).map((i) => i.label);
    expect(values).toEqual(expect.arrayContaining(['bronze', 'silver', 'gold']));
  });
});
