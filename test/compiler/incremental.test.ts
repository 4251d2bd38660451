// A recompile with a CompileCache gives exactly what a fresh compile gives, after any
// sequence of edits — including edits that change diagnostics and cross-file references.
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompileCache, compile } from '../../compiler/index.js';
import { type SourceFile, readSpecFiles } from '../../spec/index.js';
import { EXAMPLES } from '../helpers/paths.js';

const base = readSpecFiles(join(EXAMPLES, 'finance')).files;

/** Edits that touch different stages: names, columns, keys, refs, SQL, connections, overlays. */
const EDITS: { file: string; from: string; to: string }[] = [
  { file: 'datasets/silver.yaml', from: 'Customers and companies', to: 'All partners' },
  { file: 'datasets/silver.yaml', from: '    - { name: currency, type: varchar, nullable: false }', to: '    - { name: currency, type: varchar, nullable: false }\n    - { name: channel, type: varchar }' },
  { file: 'datasets/silver.yaml', from: 'primaryKey: [product_id]', to: 'primaryKey: [product_id, sku]' },
  { file: 'datasets/silver.yaml', from: '{ type: relationships, column: partner_id, to: partners }', to: '{ type: relationships, column: partner_id, to: partnerz }' },
  { file: 'datasets/gold.yaml', from: 'transform: year', to: 'transform: month' },
  { file: 'datasets/bronze.yaml', from: 'name: odoo_product\n', to: 'name: odoo_products\n' },
  { file: 'pipelines/sales-silver.yaml', from: "where o.state <> 'cancel'", to: "where o.state not in ('cancel', 'draft')" },
  { file: 'pipelines/sales-silver.yaml', from: "{{ ref('products') }}", to: "{{ ref('prodcts') }}" },
  { file: 'pipelines/finance-marts.yaml', from: 'engine: dbt', to: 'engine: trino' },
  { file: 'pipelines/erp-ingest.yaml', from: 'mode: full\n    - name: products', to: 'mode: incremental\n      cursor: write_date\n    - name: products' },
  { file: 'connections.yaml', from: 'port: 8080', to: 'port: 8443' },
  { file: 'workspace.yaml', from: 'schema: "{workspace}_{layer}"', to: 'schema: "{workspace}__{layer}"' },
  { file: 'workspace.yaml', from: 'pipeline: { retries: 3 }', to: 'pipeline: { retries: 4 }' },
  // A new dataset whose name becomes the better "did you mean" for the broken ref above.
  { file: 'datasets/gold.yaml', from: 'name: top_customers\n', to: 'name: top_customers\n---\napiVersion: lakespec.dev/v1\nkind: Dataset\nmetadata:\n  name: prodcts_x\nspec:\n  layer: gold\n  columns: [{ name: id, type: bigint }]\n# name: top_customers\n' },
];

function apply(files: SourceFile[], e: (typeof EDITS)[number], undo: boolean): SourceFile[] {
  return files.map((f) => (f.path === e.file ? { ...f, text: undo ? f.text.replace(e.to, e.from) : f.text.replace(e.from, e.to) } : f));
}

describe('incremental recompile', () => {
  it('every edit applies to the example', () => {
    for (const e of EDITS) expect(base.find((f) => f.path === e.file)!.text, e.from).toContain(e.from);
  });

  it('equals a fresh compile after any sequence of edits (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: EDITS.length - 1 }), fc.boolean(), fc.constantFrom('dev', 'prod'), fc.constantFrom('abc1234', 'def5678')), { minLength: 1, maxLength: 8 }),
        (ops) => {
          const cache = new CompileCache();
          let files = base;
          compile(files, { environment: 'dev', gitSha: 'abc1234', cache });
          // Undoing an edit not made leaves the files as they were: a recompile with nothing changed.
          for (const [i, undo, env, gitSha] of ops) {
            files = apply(files, EDITS[i]!, undo);
            // Frozen: a backend that changed a cached IR object would throw here.
            const warm = compile(files, { environment: env, gitSha, cache, freezeIR: true });
            const fresh = compile(files, { environment: env, gitSha });
            expect(warm.diagnostics).toEqual(fresh.diagnostics);
            expect(warm.artifacts).toEqual(fresh.artifacts);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
