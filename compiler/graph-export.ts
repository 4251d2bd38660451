// The dependency graph of datasets and pipeline steps, as JSON, Mermaid or DOT.
import { byString } from '../spec/index.js';
import type { IRProject } from './ir.js';

export interface GraphNode {
  id: string;
  kind: 'dataset' | 'step' | 'connection';
  label: string;
  layer?: string;
  pipeline?: string;
  engine?: string;
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: 'reads' | 'writes' | 'extracts' | 'after';
}

export interface DependencyGraph {
  workspace: string;
  environment: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export function buildGraph(ir: IRProject): DependencyGraph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const used = new Set<string>();
  for (const t of ir.tables) nodes.push({ id: `dataset:${t.name}`, kind: 'dataset', label: t.name, layer: t.layer });
  for (const p of ir.pipelines) {
    for (const s of p.steps) {
      const id = `step:${p.name}.${s.name}`;
      nodes.push({ id, kind: 'step', label: `${p.name}.${s.name}`, pipeline: p.name, engine: p.engine });
      edges.push({ from: id, to: `dataset:${s.target}`, kind: 'writes' });
      if (s.kind === 'transform') for (const r of s.reads) edges.push({ from: `dataset:${r}`, to: id, kind: 'reads' });
      else {
        used.add(s.source.connection.name);
        edges.push({ from: `connection:${s.source.connection.name}`, to: id, kind: 'extracts' });
      }
      for (const d of s.dependsOn) edges.push({ from: `step:${p.name}.${d}`, to: id, kind: 'after' });
    }
  }
  for (const c of ir.connections) if (used.has(c.name)) nodes.push({ id: `connection:${c.name}`, kind: 'connection', label: `${c.name} (${c.type})` });
  nodes.sort((a, b) => byString(a.id, b.id));
  const seen = new Set<string>();
  const uniq = edges.filter((e) => {
    const k = `${e.from}>${e.to}>${e.kind}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  uniq.sort((a, b) => byString(a.from, b.from) || byString(a.to, b.to) || byString(a.kind, b.kind));
  return { workspace: ir.workspace, environment: ir.environment, nodes, edges: uniq };
}

export function graphJson(g: DependencyGraph): string {
  return JSON.stringify(g, null, 2) + '\n';
}

const mid = (id: string) => id.replace(/[^A-Za-z0-9_]/g, '_');
const mlabel = (s: string) => s.replace(/"/g, '#quot;');

export function graphMermaid(g: DependencyGraph): string {
  const lines = ['flowchart LR'];
  for (const n of g.nodes) {
    if (n.kind === 'dataset') lines.push(`  ${mid(n.id)}[("${mlabel(n.label)}<br/><small>${n.layer}</small>")]`);
    else if (n.kind === 'connection') lines.push(`  ${mid(n.id)}{{"${mlabel(n.label)}"}}`);
    else lines.push(`  ${mid(n.id)}["${mlabel(n.label)}<br/><small>${n.engine}</small>"]`);
  }
  for (const e of g.edges) lines.push(`  ${mid(e.from)} ${e.kind === 'after' ? '-.->' : '-->'} ${mid(e.to)}`);
  for (const layer of ['bronze', 'silver', 'gold']) {
    const ids = g.nodes.filter((n) => n.layer === layer).map((n) => mid(n.id));
    if (ids.length > 0) lines.push(`  class ${ids.join(',')} ${layer}`);
  }
  lines.push('  classDef bronze fill:#f3e1cf,stroke:#a0522d', '  classDef silver fill:#eceff1,stroke:#607d8b', '  classDef gold fill:#fff3c4,stroke:#b8860b');
  return lines.join('\n') + '\n';
}

const dq = (s: string) => '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';

export function graphDot(g: DependencyGraph): string {
  const fill: Record<string, string> = { bronze: '#f3e1cf', silver: '#eceff1', gold: '#fff3c4' };
  const lines = [`digraph ${dq(`${g.workspace} (${g.environment})`)} {`, '  rankdir=LR;', '  node [fontname="Helvetica"];'];
  for (const n of g.nodes) {
    const attrs =
      n.kind === 'dataset'
        ? `shape=cylinder, style=filled, fillcolor=${dq(fill[n.layer ?? ''] ?? '#ffffff')}`
        : n.kind === 'connection'
          ? 'shape=hexagon'
          : 'shape=box';
    lines.push(`  ${dq(n.id)} [label=${dq(n.label)}, ${attrs}];`);
  }
  for (const e of g.edges) lines.push(`  ${dq(e.from)} -> ${dq(e.to)}${e.kind === 'after' ? ' [style=dashed]' : ''};`);
  lines.push('}');
  return lines.join('\n') + '\n';
}
