// The dependency graph of datasets and pipeline steps, as JSON, Mermaid or DOT.
import { byString, flat, sameItems } from '../spec/index.js';
import { pushSeparated } from './artifact.js';
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

/** Per-object memo for recompiles: unchanged tables and pipelines keep their nodes and edges. */
export class GraphMemo {
  readonly items = new WeakMap<object, { nodes: GraphNode[]; edges: GraphEdge[] }>();
  /**
   * Each table's and pipeline's item by name, from the last build. An edit that leaves a
   * table's or pipeline's place in the graph as it was (a description, a column, a check)
   * gets last time's item back, so the graph and graph.json stay the same objects: at
   * 10 000 datasets rebuilding them (sorting 20 000 nodes and edges) was 27 ms of a
   * one-file recompile.
   */
  byName = new Map<string, { nodes: GraphNode[]; edges: GraphEdge[] }>();
  readonly lines = new WeakMap<object, string>();
  /** The last graph and what it was built from: when nothing differs it is returned as is (no sorting 30 000 edges again). */
  last?: { items: readonly object[]; connections: readonly string[]; graph: DependencyGraph };
  /** The last graph's JSON pieces, so that an unchanged graph is the same artifact and is not hashed again. */
  lastParts?: { graph: DependencyGraph; parts: string[] };
}

export function buildGraph(ir: IRProject, memo: GraphMemo = new GraphMemo()): DependencyGraph {
  const items: { nodes: GraphNode[]; edges: GraphEdge[] }[] = [];
  const used = new Set<string>();
  const byName = new Map<string, { nodes: GraphNode[]; edges: GraphEdge[] }>();
  const of = (key: object, name: string, make: () => { nodes: GraphNode[]; edges: GraphEdge[] }) => {
    let item = memo.items.get(key);
    if (!item) {
      item = make();
      const last = memo.byName.get(name);
      if (last && sameJson(last, item)) item = last;
      memo.items.set(key, item);
    }
    byName.set(name, item);
    items.push(item);
  };
  for (const t of ir.tables) of(t, `t:${t.name}`, () => ({ nodes: [{ id: flat(`dataset:${t.name}`), kind: 'dataset', label: t.name, layer: t.layer }], edges: [] }));
  for (const p of ir.pipelines) {
    for (const s of p.steps) if (s.kind === 'ingest') used.add(s.source.connection.name);
    of(p, `p:${p.name}`, () => {
      const ns: GraphNode[] = [];
      const es: GraphEdge[] = [];
      for (const s of p.steps) {
        const id = flat(`step:${p.name}.${s.name}`);
        ns.push({ id, kind: 'step', label: flat(`${p.name}.${s.name}`), pipeline: p.name, engine: p.engine });
        es.push({ from: id, to: flat(`dataset:${s.target}`), kind: 'writes' });
        if (s.kind === 'transform') for (const r of s.reads) es.push({ from: flat(`dataset:${r}`), to: id, kind: 'reads' });
        else es.push({ from: flat(`connection:${s.source.connection.name}`), to: id, kind: 'extracts' });
        for (const d of s.dependsOn) es.push({ from: flat(`step:${p.name}.${d}`), to: id, kind: 'after' });
      }
      return { nodes: ns, edges: es };
    });
  }
  memo.byName = byName;
  const connections = ir.connections.filter((c) => used.has(c.name)).map((c) => `${c.name} (${c.type})`);
  const last = memo.last;
  if (last && last.graph.workspace === ir.workspace && last.graph.environment === ir.environment && sameItems(last.items, items) && sameItems(last.connections, connections)) return last.graph;
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  for (const item of items) {
    nodes.push(...item.nodes);
    edges.push(...item.edges);
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
  const graph: DependencyGraph = { workspace: ir.workspace, environment: ir.environment, nodes, edges: uniq };
  memo.last = { items, connections, graph };
  return graph;
}

/** The same nodes and edges, property by property (they are small, flat and built in one key order). */
function sameJson(a: { nodes: GraphNode[]; edges: GraphEdge[] }, b: { nodes: GraphNode[]; edges: GraphEdge[] }): boolean {
  const same = (x: object[], y: object[]) =>
    x.length === y.length &&
    x.every((o, i) => {
      const p = y[i] as Record<string, unknown>;
      const keys = Object.keys(o);
      return keys.length === Object.keys(p).length && keys.every((k) => (o as Record<string, unknown>)[k] === p[k]);
    });
  return same(a.nodes, b.nodes) && same(a.edges, b.edges);
}

/** One node or edge per line: compact for large projects, still diff-friendly. */
export function graphJson(g: DependencyGraph, memo: GraphMemo = new GraphMemo()): string {
  return graphJsonParts(g, memo).join('');
}

/** graphJson's text as pieces: the memoized lines and the separators between them. */
export function graphJsonParts(g: DependencyGraph, memo: GraphMemo = new GraphMemo()): string[] {
  if (memo.lastParts?.graph === g) return memo.lastParts.parts;
  const line = (x: object) => {
    let l = memo.lines.get(x);
    if (l === undefined) {
      l = flat('    ' + JSON.stringify(x));
      memo.lines.set(x, l);
    }
    return l;
  };
  const out = [`{\n  "workspace": ${JSON.stringify(g.workspace)},\n  "environment": ${JSON.stringify(g.environment)},\n  "nodes": [\n`];
  pushSeparated(out, g.nodes.map(line), ',\n');
  out.push('\n  ],\n  "edges": [\n');
  pushSeparated(out, g.edges.map(line), ',\n');
  out.push('\n  ]\n}\n');
  memo.lastParts = { graph: g, parts: out };
  return out;
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
