// Synthetic spec projects for benchmarks: N datasets in bronze/silver/gold chains, with
// pipelines, spread over files of 50 resources each (a realistic layout).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceFile } from '../../spec/index.js';

const PER_FILE = 50;

export function syntheticProject(datasets: number): SourceFile[] {
  const files: SourceFile[] = [];
  files.push({
    path: 'workspace.yaml',
    text: `apiVersion: lakespec.dev/v1
kind: Workspace
metadata:
  name: synth
spec:
  catalog: lake
  defaults:
    pipeline: { connection: trino, retries: 1, timeout: 30m }
  environments:
    dev: {}
    prod: {}
---
apiVersion: lakespec.dev/v1
kind: Connection
metadata:
  name: trino
spec:
  type: trino
  host: trino.internal
---
apiVersion: lakespec.dev/v1
kind: Connection
metadata:
  name: exports
spec:
  type: files
  path: data
`,
  });
  // Chains of three: bronze ingest → silver transform → gold aggregate.
  const chains = Math.ceil(datasets / 3);
  let made = 0;
  const dsDocs: string[] = [];
  const pipeDocs: string[] = [];
  for (let c = 0; c < chains && made < datasets; c++) {
    const b = `b_${c}`;
    const s = `s_${c}`;
    const g = `g_${c}`;
    dsDocs.push(dataset(b, 'bronze', false));
    made++;
    const steps = [`    - name: load\n      type: ingest\n      from: { connection: exports, path: ${b}.csv }\n      into: ${b}\n      mode: incremental\n      cursor: updated_at`];
    if (made < datasets) {
      dsDocs.push(dataset(s, 'silver', true));
      made++;
      steps.push(`    - name: clean\n      type: transform\n      into: ${s}\n      materialization: merge\n      sql: |\n        select id, account_id, lower(status) as status, amount, quantity, created_on, updated_at, note\n        from {{ ref('${b}') }}\n        where status is not null`);
    }
    if (made < datasets) {
      dsDocs.push(goldDataset(g));
      made++;
      steps.push(`    - name: agg\n      type: transform\n      into: ${g}\n      sql: |\n        select created_on as day, count(*) as orders, sum(amount) as amount\n        from {{ ref('${s}') }}\n        group by created_on`);
    }
    pipeDocs.push(`apiVersion: lakespec.dev/v1\nkind: Pipeline\nmetadata:\n  name: p_${c}\nspec:\n  schedule: "0 3 * * *"\n  steps:\n${steps.join('\n')}\n`);
  }
  for (let i = 0; i < dsDocs.length; i += PER_FILE) files.push({ path: `datasets/part-${String(i / PER_FILE).padStart(4, '0')}.yaml`, text: dsDocs.slice(i, i + PER_FILE).join('---\n') });
  for (let i = 0; i < pipeDocs.length; i += PER_FILE) files.push({ path: `pipelines/part-${String(i / PER_FILE).padStart(4, '0')}.yaml`, text: pipeDocs.slice(i, i + PER_FILE).join('---\n') });
  return files;
}

function dataset(name: string, layer: string, keyed: boolean): string {
  return `apiVersion: lakespec.dev/v1
kind: Dataset
metadata:
  name: ${name}
  description: Synthetic ${layer} dataset ${name}.
spec:
  layer: ${layer}
  owner: team-${name.length % 7}
  tags: [synthetic, ${layer}]
  columns:
    - { name: id, type: bigint, nullable: false, description: Identifier. }
    - { name: account_id, type: bigint }
    - { name: status, type: varchar }
    - { name: amount, type: "decimal(14,2)" }
    - { name: quantity, type: integer }
    - { name: created_on, type: date }
    - { name: updated_at, type: timestamp(6), nullable: false }
    - { name: note, type: varchar }
${keyed ? '  primaryKey: [id]\n' : ''}  partitioning:
    - { column: created_on, transform: month }
  checks:
    - { type: not_null, columns: [id, updated_at] }
    - { type: accepted_values, column: status, values: [new, open, closed] }
`;
}

function goldDataset(name: string): string {
  return `apiVersion: lakespec.dev/v1
kind: Dataset
metadata:
  name: ${name}
spec:
  layer: gold
  columns:
    - { name: day, type: date, nullable: false }
    - { name: orders, type: bigint, nullable: false }
    - { name: amount, type: "decimal(18,2)" }
  primaryKey: [day]
  checks:
    - { type: unique, columns: [day] }
    - { type: volume, min: 1 }
`;
}

export function writeProject(dir: string, files: readonly SourceFile[]): void {
  rmSync(dir, { recursive: true, force: true });
  for (const f of files) {
    const p = join(dir, ...f.path.split('/'));
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, f.text);
  }
}
