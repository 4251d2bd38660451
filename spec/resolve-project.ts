// Resolves schema-valid resources for one environment and runs the semantic checks:
// duplicate names, references, columns, static types, SQL references and cycles.
import { byString, sha256 } from './canonical-json.js';
import { type Diagnostic, type Location, diagnostic } from './diagnostic.js';
import { closest, didYouMean } from './did-you-mean.js';
import { checkCron } from './cron.js';
import { parseDurationSeconds } from './duration.js';
import * as validators from './generated/validators.js';
import { Locator } from './locator.js';
import type {
  CheckSpec,
  ConnectionSpec,
  DatasetSpec,
  Kind,
  NamingSpec,
  PipelineSpec,
  ResolvedCheck,
  ResolvedColumn,
  ResolvedConnection,
  ResolvedDataset,
  ResolvedPipeline,
  ResolvedProject,
  ResolvedStep,
  Resource,
} from './model.js';
import { BUILTIN_PLACEHOLDERS, DEFAULT_NAMING, expandTemplate } from './naming.js';
import { overlay } from './overlay.js';
import type { ParsedSpecs } from './parse-specs.js';
import { SECRET_FIELDS } from './schema-validator.js';
import { type ParsedSqlTemplate, parseSqlTemplate } from './sql-template.js';
import { Memo, SortMemo, flat, sameItems } from './memo.js';
import { sortedKeys, withProps } from './plain-copy.js';
import { type SqlType, formatSqlType, isComplex, isInteger, isNumeric, isOrderable, isTemporal, parseSqlType } from './sql-type.js';

export interface ResolveResult {
  project?: ResolvedProject;
  diagnostics: Diagnostic[];
}

const DEFAULT_TIMEOUT_SECONDS = 3600;
const PREVIEW = /^pr_([0-9]{1,9})$/;

interface EnvironmentChoice {
  name: string;
  /** The declared environment whose overlays apply (differs for previews). */
  overlayFrom: string;
  vars: Record<string, string>;
  naming: Required<NamingSpec>;
}

export function environmentsOf(parsed: ParsedSpecs): string[] {
  const ws = parsed.resources.find((r) => r.kind === 'Workspace') as Resource<'Workspace'> | undefined;
  return ws ? Object.keys(ws.spec.environments) : [];
}

/**
 * Memo tables for incremental resolution. Resources of unchanged files are the same objects
 * from one call to the next (ParseCache), so their resolved forms are reused as long as
 * everything they depend on is also unchanged.
 */
export class ResolveCache {
  readonly connections = new Memo<Resource, { resolved?: ResolvedConnection; diags: Diagnostic[] }>();
  readonly datasets = new Memo<Resource, { ds?: ResolvedDataset; diags: Diagnostic[]; naming: { key: string; diag: Diagnostic }[] }>();
  readonly pipelines = new Memo<Resource, { p: ResolvedPipeline; diags: Diagnostic[] }>();
  readonly finals = new Memo<ResolvedPipeline, ResolvedPipeline>();
  /** A pipeline's spec with the workspace defaults and its overrides merged in. */
  readonly pipelineSpecs = new Memo<Resource, PipelineSpec>();
  readonly templates = new WeakMap<object, ParsedSqlTemplate>();
  /** Orders of the sorted lists, the spec hash's lines, and each dataset's fully qualified name. */
  readonly sorts = { datasets: new SortMemo(), pipelines: new SortMemo(), specHash: new SortMemo() };
  readonly hashLines = new WeakMap<Resource, { line: string; key: string }>();
  /** The last result per requested environment, with what it was resolved from. */
  readonly last = new Map<string | undefined, { resources: readonly Resource[]; files: number; invalid: string; result: ResolveResult }>();
  readonly qualified = new WeakMap<ResolvedDataset, string>();
}

export function resolveProject(parsed: ParsedSpecs, requestedEnv?: string, cache: ResolveCache = new ResolveCache()): ResolveResult {
  // Resolution reads the resources (unchanged files keep theirs, the same objects), the
  // names of invalid ones and the number of files: when none of these changed, neither
  // did the result. A recompile with nothing changed then skips every pass below.
  const invalid = Object.values(parsed.invalid)
    .map((s) => [...s].join('\u0000'))
    .join('\u0001');
  const last = cache.last.get(requestedEnv);
  if (last && last.files === parsed.files.length && last.invalid === invalid && sameItems(last.resources, parsed.resources)) {
    return { ...last.result, diagnostics: [...last.result.diagnostics] };
  }
  const result = resolveFresh(parsed, requestedEnv, cache);
  cache.last.set(requestedEnv, { resources: parsed.resources, files: parsed.files.length, invalid, result: { ...result, diagnostics: [...result.diagnostics] } });
  return result;
}

function resolveFresh(parsed: ParsedSpecs, requestedEnv: string | undefined, cache: ResolveCache): ResolveResult {
  const diags: Diagnostic[] = [];
  const workspaces = parsed.resources.filter((r): r is Resource<'Workspace'> => r.kind === 'Workspace');
  if (workspaces.length === 0) {
    if (parsed.invalid.Workspace.size === 0) {
      diags.push(
        diagnostic('LS1310', `no Workspace resource found among ${parsed.files.length} spec file(s); add one (see docs/spec-reference.md)`),
      );
    }
    return { diagnostics: diags };
  }
  const ws = workspaces[0]!;
  for (const extra of workspaces.slice(1)) {
    diags.push(
      diagnostic('LS1310', `a second Workspace "${extra.name}"; one spec folder holds exactly one workspace`, {
        location: new Locator(extra, undefined).name(),
        related: [{ message: 'the first workspace', location: new Locator(ws, undefined).name() }],
      }),
    );
  }

  const env = chooseEnvironment(ws, requestedEnv, diags);
  if (!env) return { diagnostics: diags };

  checkDuplicates(parsed.resources, diags);
  const wsEnv = ws.spec.environments[env.overlayFrom]!;
  const wsLoc = new Locator(ws, undefined);
  const envKey = env.name; // with the workspace resource's identity, fixes every overlay and name

  // ---- connections ----
  const connections = new Map<string, { resolved: ResolvedConnection; loc: Locator }>();
  for (const r of byKind(parsed, 'Connection')) {
    if (connections.has(r.name)) continue;
    const loc = new Locator(r, env.overlayFrom);
    const entry = cache.connections.get(r, [envKey], () => resolveConnection(r, env, loc));
    diags.push(...entry.diags);
    if (entry.resolved) connections.set(r.name, { resolved: entry.resolved, loc });
  }

  // ---- datasets ----
  const datasets = new Map<string, { ds: ResolvedDataset; loc: Locator }>();
  const unresolved = new Set<string>();
  const namingReported = new Set<string>();
  const physicalSeen = new Map<string, string>();
  for (const r of byKind(parsed, 'Dataset')) {
    if (datasets.has(r.name)) continue;
    const loc = new Locator(r, env.overlayFrom);
    const entry = cache.datasets.get(r, [envKey, ws], () => {
      const local: Diagnostic[] = [];
      const naming: { key: string; diag: Diagnostic }[] = [];
      const { overrides, ...base } = r.spec;
      const spec = overlay<DatasetSpec>([ws.spec.defaults?.dataset, wsEnv.defaults?.dataset, base, overrides?.[env.overlayFrom]]);
      const ds = resolveDataset(r, spec, loc, ws, env, wsLoc, local, naming);
      // Most datasets have no problems: they share the one empty list.
      return ds ? { ds, diags: exact(local), naming: exact(naming) } : { diags: exact(local), naming: exact(naming) };
    });
    diags.push(...entry.diags);
    for (const n of entry.naming) {
      // One report per template and bad value, not one per dataset.
      if (namingReported.has(n.key)) continue;
      namingReported.add(n.key);
      diags.push(n.diag);
    }
    const ds = entry.ds;
    if (!ds) {
      unresolved.add(r.name);
      continue;
    }
    let fq = cache.qualified.get(ds);
    if (fq === undefined) cache.qualified.set(ds, (fq = `${ds.physical.catalog}.${ds.physical.schema}.${ds.physical.table}`));
    const clash = physicalSeen.get(fq);
    if (clash) {
      diags.push(diagnostic('LS1312', `datasets "${clash}" and "${r.name}" both map to ${fq} in ${env.name}`, { location: loc.name() }));
    } else physicalSeen.set(fq, r.name);
    datasets.set(r.name, { ds, loc });
  }
  const knownDataset = (n: string) => datasets.has(n) || unresolved.has(n) || parsed.invalid.Dataset.has(n);
  // A rename's old name must be gone: otherwise two datasets would claim one table.
  for (const { ds, loc } of datasets.values()) {
    if (ds.renamedFrom === undefined) continue;
    const claim = [...datasets.values()].find((o) => o.ds !== ds && o.ds.renamedFrom === ds.renamedFrom);
    if (knownDataset(ds.renamedFrom)) diags.push(diagnostic('LS1323', `dataset "${ds.name}" says it was renamed from "${ds.renamedFrom}", which is still a dataset; remove one of them`, { location: loc.at(['renamedFrom']) }));
    else if (claim) diags.push(diagnostic('LS1323', `datasets "${ds.name}" and "${claim.ds.name}" both say they were renamed from "${ds.renamedFrom}"`, { location: loc.at(['renamedFrom']) }));
  }

  // Relationships need every dataset resolved first.
  for (const { ds, loc } of datasets.values()) {
    ds.checks.forEach((c, i) => {
      if (c.type !== 'relationships') return;
      const target = datasets.get(c.to);
      if (!target) {
        if (!knownDataset(c.to))
          diags.push(diagnostic('LS1302', `check refers to unknown dataset "${c.to}"${didYouMean(c.to, datasets.keys())}`, { location: loc.at(['checks', i, 'to']) }));
        return;
      }
      // The default field (the parent's single-column key) is filled in when lowering.
      const field = c.field ?? (target.ds.primaryKey.length === 1 ? target.ds.primaryKey[0] : undefined);
      if (!field) {
        diags.push(diagnostic('LS1201', `relationships check needs "field": "${c.to}" has no single-column primary key`, { location: loc.at(['checks', i], 'key') }));
        return;
      }
      const tcol = target.ds.columns.find((x) => x.name === field);
      const col = ds.columns.find((x) => x.name === c.column);
      if (!tcol) {
        diags.push(diagnostic('LS1304', `dataset "${c.to}" has no column "${field}"${didYouMean(field, target.ds.columns.map((x) => x.name))}`, { location: loc.at(['checks', i, c.field ? 'field' : 'to']) }));
        return;
      }
      if (col && !comparable(col.type, tcol.type)) {
        diags.push(diagnostic('LS1305', `"${c.column}" (${formatSqlType(col.type)}) cannot be compared with ${c.to}.${field} (${formatSqlType(tcol.type)})`, { location: loc.at(['checks', i, 'column']) }));
      }
    });
  }

  // ---- pipelines ----
  const template = (step: object, sql: string): ParsedSqlTemplate => {
    let t = cache.templates.get(step);
    if (!t) {
      t = parseSqlTemplate(sql);
      cache.templates.set(step, t);
    }
    return t;
  };
  const pipelines: { p: ResolvedPipeline; loc: Locator; order: Map<string, number> }[] = [];
  const producers = new Map<string, { pipeline: string; step: string; loc: () => Location }>();
  const pipelineNames = new Set<string>();
  for (const r of byKind(parsed, 'Pipeline')) {
    if (pipelineNames.has(r.name)) continue;
    pipelineNames.add(r.name);
    const loc = new Locator(r, env.overlayFrom);
    const spec = cache.pipelineSpecs.get(r, [envKey, ws], () => {
      const { overrides, ...base } = r.spec;
      return overlay<PipelineSpec>([ws.spec.defaults?.pipeline, wsEnv.defaults?.pipeline, base, overrides?.[env.overlayFrom]]);
    });
    // What this pipeline's resolution looked at: its connections and datasets, by identity.
    // (Bare table names always produce a diagnostic, and a pipeline with diagnostics is never cached.)
    const deps: unknown[] = [envKey, ws, connections.get(spec.connection ?? '')?.resolved];
    for (const st of spec.steps) {
      deps.push(datasets.get(st.into)?.ds ?? knownDataset(st.into));
      if (st.from) deps.push(connections.get(st.from.connection)?.resolved);
      if (st.sql) for (const ref of template(st, st.sql).refs) deps.push(datasets.get(ref.dataset)?.ds ?? knownDataset(ref.dataset));
    }
    // Diagnostics may suggest names from the whole project ("did you mean …"), which the
    // deps do not capture: a pipeline with problems is resolved afresh each time.
    const entry = cache.pipelines.get(
      r,
      deps,
      () => {
        const local: Diagnostic[] = [];
        const p = resolvePipeline(r, spec, loc, connections, datasets, knownDataset, local, template);
        return { p, diags: local };
      },
      (e) => e.diags.length === 0,
    );
    diags.push(...entry.diags);
    const p = entry.p;
    const order = new Map<string, number>();
    p.steps.forEach((s, i) => {
      order.set(s.name, i);
      const prior = producers.get(s.into);
      // Locations are computed only when reported: they cost a position-keeping parse.
      const here = () => loc.at(['steps', i, 'into']);
      if (prior) {
        diags.push(
          diagnostic('LS1308', `dataset "${s.into}" is already written by ${prior.pipeline}.${prior.step}; each dataset has one producing step`, {
            location: here(),
            related: [{ message: 'first producer', location: prior.loc() }],
          }),
        );
      } else producers.set(s.into, { pipeline: p.name, step: s.name, loc: here });
    });
    pipelines.push({ p, loc, order });
  }

  // ---- SQL references: declared upstream? ----
  for (const { p, loc, order } of pipelines) {
    for (const s of p.steps) {
      for (const d of s.reads) {
        if (producers.has(d)) continue;
        const si = order.get(s.name)!;
        for (const ref of parseRefsFor(r0(loc), si).filter((x) => x.dataset === d)) {
          diags.push(
            diagnostic('LS1307', `"${ref.dataset}" is not produced by any pipeline step, so nothing upstream declares its contents`, {
              location: loc.inSql(['steps', si, 'sql'], ref.offset, ref.length),
              fix: { description: `add an ingest or transform step with into: ${ref.dataset}` },
            }),
          );
        }
      }
    }
  }

  // ---- dependency graph: cycles and order ----
  const stepKey = (pl: string, st: string) => `${pl}.${st}`;
  const edges = new Map<string, { to: string; via: string; loc: () => Location }[]>();
  for (const { p, loc, order } of pipelines) {
    const names = new Set(p.steps.map((x) => x.name));
    for (const s of p.steps) {
      const key = stepKey(p.name, s.name);
      const si = order.get(s.name)!;
      for (const d of s.reads) {
        const prod = producers.get(d);
        if (!prod) continue;
        const at = () => {
          const ref = parseRefsFor(r0(loc), si).find((x) => x.dataset === d);
          return ref ? loc.inSql(['steps', si, 'sql'], ref.offset, ref.length) : loc.at(['steps', si, 'name']);
        };
        addEdge(edges, stepKey(prod.pipeline, prod.step), key, d, at);
      }
      for (const dep of s.dependsOn) {
        if (names.has(dep)) addEdge(edges, stepKey(p.name, dep), key, `${dep} (dependsOn)`, () => loc.at(['steps', si, 'dependsOn']));
      }
    }
  }
  const cyclic = reportCycles(edges, diags);
  const finals: ResolvedPipeline[] = [];
  for (const { p } of pipelines) {
    // The final form adds what the graph implies: same-pipeline producers as dependsOn,
    // other pipelines as upstream, and topological step order.
    const ups = new Set<string>();
    // A step's dependsOn: the declared ones and the same-pipeline producers of what it reads, without itself, sorted.
    const stepDeps = p.steps.map((s) => {
      const out: string[] = [];
      const add = (x: string) => {
        if (x !== s.name && !out.includes(x)) out.push(x);
      };
      for (const x of s.dependsOn) add(x);
      for (const d of s.reads) {
        const prod = producers.get(d);
        if (!prod) continue;
        if (prod.pipeline !== p.name) ups.add(prod.pipeline);
        else add(prod.step);
      }
      return exact(out.length > 1 ? out.sort(byString) : out);
    });
    const upstream = [...ups].sort(byString);
    const sig = `${cyclic}|${upstream.join(',')}|${stepDeps.map((d) => d.join(',')).join(';')}`;
    finals.push(
      cache.finals.get(p, [sig], () => {
        const steps = p.steps.map((s, i) => withProps(s, { dependsOn: stepDeps[i]! }));
        return withProps(p, { upstream, steps: cyclic ? steps : topoSort(steps) });
      }),
    );
  }

  const producedBy = new Map<string, { pipeline: string; step: string }>();
  datasets.forEach(({ loc }, name) => {
    const prod = producers.get(name);
    if (prod) producedBy.set(name, { pipeline: prod.pipeline, step: prod.step });
    else if (parsed.invalid.Pipeline.size === 0) diags.push(diagnostic('LS1317', `dataset "${name}" is not written by any pipeline step`, { location: loc.name() }));
  });

  const resolvedConnections = [...connections.values()].map((c) => c.resolved).sort((a, b) => byString(a.name, b.name));
  const project: ResolvedProject = {
    workspace: { name: ws.name, owners: ws.spec.owners ?? [], catalog: ws.spec.catalog, protected: ws.spec.environments[env.overlayFrom]?.protected === true && env.name === env.overlayFrom },
    allowDestructive: (ws.spec.allowDestructive ?? []).filter((a) => !a.environments || a.environments.includes(env.name)),
    environment: env.name,
    connections: resolvedConnections,
    datasets: cache.sorts.datasets.sort([...datasets.values()].map((d) => d.ds), (d) => d.name),
    pipelines: cache.sorts.pipelines.sort(finals, (p) => p.name),
    producedBy,
    specHash: specHash(parsed, cache),
  };
  if (ws.description !== undefined) project.workspace.description = ws.description;
  return { project, diagnostics: diags };
}

function resolveConnection(r: Resource<'Connection'>, env: EnvironmentChoice, loc: Locator): { resolved?: ResolvedConnection; diags: Diagnostic[] } {
  const { overrides, ...base } = r.spec;
  const merged = overlay<ConnectionSpec>([base, overrides?.[env.overlayFrom]]);
  if (overrides?.[env.overlayFrom]) {
    const check = { apiVersion: 'lakespec.dev/v1', kind: 'Connection', metadata: { name: r.name }, spec: merged };
    if (!validators.Connection(check)) {
      const e = validators.Connection.errors?.[0];
      const field = e?.instancePath.split('/').pop() ?? '';
      const leak = SECRET_FIELDS.has(field);
      return {
        diags: [
          diagnostic(leak ? 'LS1209' : 'LS1208', leak ? `"${field}" in the ${env.overlayFrom} override holds a literal value; secrets must be references` : `the ${env.overlayFrom} override makes the connection invalid: ${e?.instancePath.replace(/^\/spec\//, '') ?? ''} ${e?.message ?? ''}`.trim(), {
            location: loc.at(['overrides', env.overlayFrom], 'key'),
            redactSource: leak,
          }),
        ],
      };
    }
  }
  const { type, description, ...config } = merged;
  const resolved: ResolvedConnection = { name: r.name, type, config };
  if (description !== undefined) resolved.description = description;
  return { resolved, diags: [] };
}

function r0(loc: Locator): Resource<'Pipeline'> {
  return loc.resource as Resource<'Pipeline'>;
}

/** Refs of a step's SQL as written in the resource (offsets into the written text). */
function parseRefsFor(r: Resource<'Pipeline'>, stepIndex: number) {
  const sql = r.spec.steps[stepIndex]?.sql;
  return sql ? parseSqlTemplate(sql).refs : [];
}

export function specHash(parsed: ParsedSpecs, cache?: ResolveCache): string {
  const entry = (r: Resource) => {
    let e = cache?.hashLines.get(r);
    if (e === undefined) {
      const key = flat(`${r.kind}\u0000${r.name}`);
      e = { key, line: flat(`${key}\u0000${r.fingerprint}`) };
      cache?.hashLines.set(r, e);
    }
    return e;
  };
  const entries = parsed.resources.map(entry);
  // Sorted by the whole line: by kind and name first (names cannot hold U+0000, so that is
  // the same order), then by the whole line where they are equal. With a cache, the last
  // order is reused while kinds and names come in the same sequence.
  const sorted = (cache?.sorts.specHash ?? new SortMemo()).sort(entries, (e) => e.key, (a, b) => byString(a.line, b.line));
  return sha256(sorted.map((e) => e.line).join('\n'));
}

function byKind<K extends Kind>(parsed: ParsedSpecs, kind: K): Resource<K>[] {
  return parsed.resources.filter((r): r is Resource<K> => r.kind === kind);
}

function chooseEnvironment(ws: Resource<'Workspace'>, requested: string | undefined, diags: Diagnostic[]): EnvironmentChoice | undefined {
  const declared = Object.keys(ws.spec.environments);
  const name = requested ?? ws.spec.defaultEnvironment ?? declared[0]!;
  const base = { env: name, catalog: ws.spec.catalog, workspace: ws.name, project: ws.name };
  const wsLoc = new Locator(ws, undefined);
  if (ws.spec.defaultEnvironment && !declared.includes(ws.spec.defaultEnvironment)) {
    diags.push(diagnostic('LS1309', `defaultEnvironment "${ws.spec.defaultEnvironment}" is not declared under environments${didYouMean(ws.spec.defaultEnvironment, declared)}`, { location: wsLoc.at(['defaultEnvironment']) }));
    return undefined;
  }
  if (declared.includes(name)) {
    const e = ws.spec.environments[name]!;
    return { name, overlayFrom: name, vars: { ...e.variables, ...base }, naming: { ...DEFAULT_NAMING, ...ws.spec.naming, ...e.naming } };
  }
  const m = PREVIEW.exec(name);
  if (m && ws.spec.previews) {
    const from = ws.spec.previews.basedOn;
    const e = ws.spec.environments[from];
    if (!e) {
      diags.push(diagnostic('LS1309', `previews.basedOn names "${from}", which is not declared under environments${didYouMean(from, declared)}`, { location: wsLoc.at(['previews', 'basedOn']) }));
      return undefined;
    }
    return {
      name,
      overlayFrom: from,
      vars: { ...e.variables, ...base, pr: m[1]! },
      naming: { ...DEFAULT_NAMING, ...ws.spec.naming, ...e.naming, ...ws.spec.previews.naming },
    };
  }
  const previewHint = ws.spec.previews ? ' or a preview environment pr_<number>' : '';
  diags.push(
    diagnostic('LS1309', `environment "${name}" is not declared in workspace "${ws.name}"${didYouMean(name, declared)} (declared: ${declared.join(', ')}${previewHint})`, {
      location: wsLoc.at(['environments'], 'key'),
    }),
  );
  return undefined;
}

function checkDuplicates(resources: Resource[], diags: Diagnostic[]): void {
  // By kind, then name: no "kind/name" string per resource on every compile.
  const first = new Map<string, Map<string, Resource>>();
  for (const r of resources) {
    let named = first.get(r.kind);
    if (!named) first.set(r.kind, (named = new Map()));
    const prior = named.get(r.name);
    if (!prior) {
      named.set(r.name, r);
      continue;
    }
    diags.push(
      diagnostic('LS1301', `${r.kind} "${r.name}" is declared twice`, {
        location: new Locator(r, undefined).name(),
        related: [{ message: 'first declared here', location: new Locator(prior, undefined).name() }],
        fix: { description: 'rename or remove one of them' },
      }),
    );
  }
}

// Shared by every dataset that leaves these out (resolved values are never changed; frozen,
// so that a change would throw rather than alter every dataset at once).
const NONE: string[] = Object.freeze([]) as unknown as string[];
const DEFAULT_STORAGE: ResolvedDataset['storage'] = Object.freeze({ fileFormat: 'parquet', formatVersion: 2, sortedBy: NONE }) as ResolvedDataset['storage'];

function exact<T>(xs: T[]): T[] {
  return xs.length === 0 ? (NONE as unknown as T[]) : xs.slice();
}

function resolveDataset(
  r: Resource<'Dataset'>,
  spec: DatasetSpec,
  loc: Locator,
  ws: Resource<'Workspace'>,
  env: EnvironmentChoice,
  wsLoc: Locator,
  diags: Diagnostic[],
  naming: { key: string; diag: Diagnostic }[],
): ResolvedDataset | undefined {
  const columns: ResolvedColumn[] = [];
  const byName = new Map<string, ResolvedColumn>();
  spec.columns.forEach((c, i) => {
    if (byName.has(c.name)) {
      diags.push(diagnostic('LS1301', `column "${c.name}" is declared twice in dataset "${r.name}"`, { location: loc.at(['columns', i, 'name']) }));
      return;
    }
    const t = parseSqlType(c.type);
    if (!t.ok) {
      diags.push(
        diagnostic('LS1306', `column "${c.name}": ${t.message}${t.suggestion ? `; did you mean "${t.suggestion}"?` : ''}`, {
          location: loc.at(['columns', i, 'type']),
          ...(t.suggestion ? { fix: { description: `use ${t.suggestion}` } } : {}),
        }),
      );
      return;
    }
    const col: ResolvedColumn = { kind: 'column', name: c.name, type: t.type, nullable: c.nullable ?? true };
    if (c.description !== undefined) col.description = c.description;
    if (c.tags !== undefined) col.tags = c.tags;
    if (c.renamedFrom !== undefined) {
      // The old name must not be a column too: then nothing would say which one keeps the values.
      if (spec.columns.some((x) => x.name === c.renamedFrom)) diags.push(diagnostic('LS1323', `column "${c.name}" says it was renamed from "${c.renamedFrom}", which is still a column of dataset "${r.name}"; remove one of them`, { location: loc.at(['columns', i, 'renamedFrom']) }));
      else if (spec.columns.some((x, j) => j !== i && x.renamedFrom === c.renamedFrom)) diags.push(diagnostic('LS1323', `two columns of dataset "${r.name}" say they were renamed from "${c.renamedFrom}"`, { location: loc.at(['columns', i, 'renamedFrom']) }));
      else col.renamedFrom = c.renamedFrom;
    }
    columns.push(col);
    byName.set(c.name, col);
  });
  const names = spec.columns.map((c) => c.name);
  const need = (col: string, path: (string | number)[], what: string): ResolvedColumn | undefined => {
    const c = byName.get(col);
    if (!c && !names.includes(col)) {
      diags.push(
        diagnostic('LS1304', `${what} "${col}" is not a column of dataset "${r.name}"${didYouMean(col, names)}`, {
          location: loc.at(path),
          ...(closest(col, names) ? { fix: { description: `use "${closest(col, names)}"` } } : {}),
        }),
      );
    }
    return c;
  };

  const primaryKey = spec.primaryKey ?? NONE;
  primaryKey.forEach((k, i) => {
    const c = need(k, ['primaryKey', i], 'primary key column');
    if (c && c.nullable)
      diags.push(diagnostic('LS1313', `primary key column "${k}" is nullable; declare it with nullable: false`, { location: loc.at(['primaryKey', i]), fix: { description: `set nullable: false on column "${k}"` } }));
    if (c && isComplex(c.type)) diags.push(diagnostic('LS1305', `primary key column "${k}" has a complex type (${formatSqlType(c.type)})`, { location: loc.at(['primaryKey', i]) }));
  });

  const partitioning: ResolvedDataset['partitioning'] = [];
  (spec.partitioning ?? []).forEach((p, i) => {
    const transform = p.transform ?? 'identity';
    const c = need(p.column, ['partitioning', i, 'column'], 'partition column');
    if (c) {
      const problem = partitionProblem(transform, c.type);
      if (problem) diags.push(diagnostic('LS1305', `cannot partition by ${transform}(${p.column}): ${problem}`, { location: loc.at(['partitioning', i, p.transform ? 'transform' : 'column']) }));
    }
    partitioning.push(p.width !== undefined ? { kind: 'partition', column: p.column, transform, width: p.width } : { kind: 'partition', column: p.column, transform });
  });

  const sortedBy = spec.storage?.sortedBy ?? NONE;
  sortedBy.forEach((s, i) => {
    const c = need(s, ['storage', 'sortedBy', i], 'sort column');
    if (c && isComplex(c.type)) diags.push(diagnostic('LS1305', `cannot sort by "${s}": ${formatSqlType(c.type)} is not orderable`, { location: loc.at(['storage', 'sortedBy', i]) }));
  });

  const checks: ResolvedCheck[] = [];
  const checkNames = new Set<string>();
  (spec.checks ?? []).forEach((c, i) => {
    checkChecks(c, i, need, loc, diags);
    const name = c.name ?? flat(defaultCheckName(c));
    if (checkNames.has(name)) {
      diags.push(diagnostic('LS1301', `two checks of dataset "${r.name}" are named "${name}"; give one a distinct name:`, { location: loc.at(['checks', i], 'key') }));
      return;
    }
    checkNames.add(name);
    checks.push(sortedKeys(withProps(c, { kind: 'check' as const, name, severity: c.severity ?? 'error' })) as ResolvedCheck);
  });

  // Physical names.
  const vars = { ...env.vars, layer: spec.layer, name: r.name, table: r.name };
  const physical: Record<'catalog' | 'schema' | 'table', string> = { catalog: '', schema: '', table: '' };
  let namingFailed = false;
  for (const part of ['catalog', 'schema', 'table'] as const) {
    const res = expandTemplate(env.naming[part], vars);
    if (res.ok) {
      physical[part] = res.value;
      continue;
    }
    namingFailed = true;
    const where = ws.spec.environments[env.overlayFrom]?.naming?.[part] !== undefined ? ['environments', env.overlayFrom, 'naming', part] : ['naming', part];
    const loc2 = ws.spec.naming?.[part] !== undefined || where.length > 2 ? wsLoc.at(where) : loc.name();
    const key = `${part}|${'unknown' in res ? res.unknown : res.invalid}`;
    if ('unknown' in res) {
      const known = [...BUILTIN_PLACEHOLDERS, ...Object.keys(env.vars)];
      naming.push({ key, diag: diagnostic('LS1316', `naming template "${env.naming[part]}" uses unknown placeholder {${res.unknown}}${didYouMean(res.unknown, known)}`, { location: loc2 }) });
    } else {
      naming.push({ key, diag: diagnostic('LS1312', `naming template "${env.naming[part]}" gives the ${part} name "${res.invalid}" in ${env.name} (dataset "${r.name}"), which is not a lower-case identifier`, { location: loc2 }) });
    }
  }
  if (namingFailed) return undefined;

  const ds: ResolvedDataset = {
    name: r.name,
    layer: spec.layer,
    tags: spec.tags ? [...spec.tags].sort(byString) : NONE,
    format: 'iceberg',
    storage: spec.storage ? { fileFormat: spec.storage.fileFormat ?? 'parquet', formatVersion: spec.storage.formatVersion ?? 2, sortedBy } : DEFAULT_STORAGE,
    columns,
    primaryKey,
    partitioning,
    checks,
    physical,
    labels: r.labels,
  };
  if (spec.owner !== undefined) ds.owner = spec.owner;
  if (spec.renamedFrom !== undefined) ds.renamedFrom = spec.renamedFrom;
  const description = spec.description ?? r.description;
  if (description !== undefined) ds.description = description;
  return ds;
}

function defaultCheckName(c: CheckSpec): string {
  switch (c.type) {
    case 'not_null':
    case 'unique':
      return `${c.type}_${c.columns.join('_')}`;
    case 'accepted_values':
    case 'freshness':
      return `${c.type}_${c.column}`;
    case 'relationships':
      return `relationships_${c.column}_${c.to}`;
    case 'volume':
      return 'volume';
  }
}

function partitionProblem(transform: string, t: SqlType): string | undefined {
  if (isComplex(t)) return `${formatSqlType(t)} columns cannot be partition sources`;
  switch (transform) {
    case 'year':
    case 'month':
    case 'day':
      return isTemporal(t) ? undefined : `${transform} needs a date or timestamp column, not ${formatSqlType(t)}`;
    case 'hour':
      return t.kind === 'timestamp' ? undefined : `hour needs a timestamp column, not ${formatSqlType(t)}`;
    case 'bucket':
      return t.kind === 'boolean' || t.kind === 'real' || t.kind === 'double' ? `bucket does not accept ${t.kind}` : undefined;
    case 'truncate':
      return isInteger(t) || t.kind === 'decimal' || t.kind === 'varchar' || t.kind === 'varbinary' ? undefined : `truncate needs an integer, decimal or string column, not ${formatSqlType(t)}`;
    default:
      return t.kind === 'real' || t.kind === 'double' ? `identity partitioning on ${t.kind} is not supported` : undefined;
  }
}

function checkChecks(
  c: CheckSpec,
  i: number,
  need: (col: string, path: (string | number)[], what: string) => ResolvedColumn | undefined,
  loc: Locator,
  diags: Diagnostic[],
): void {
  switch (c.type) {
    case 'not_null':
    case 'unique':
      c.columns.forEach((col, j) => {
        const rc = need(col, ['checks', i, 'columns', j], `${c.type} check column`);
        if (rc && c.type === 'unique' && isComplex(rc.type)) diags.push(diagnostic('LS1305', `unique check on "${col}": ${formatSqlType(rc.type)} values cannot be compared`, { location: loc.at(['checks', i, 'columns', j]) }));
      });
      return;
    case 'accepted_values': {
      const rc = need(c.column, ['checks', i, 'column'], 'accepted_values column');
      if (!rc) return;
      c.values.forEach((v, j) => {
        const ok =
          (typeof v === 'string' && (rc.type.kind === 'varchar' || rc.type.kind === 'uuid' || rc.type.kind === 'date')) ||
          (typeof v === 'number' && isNumeric(rc.type) && (!isInteger(rc.type) || Number.isInteger(v))) ||
          (typeof v === 'boolean' && rc.type.kind === 'boolean');
        if (!ok) diags.push(diagnostic('LS1305', `value ${JSON.stringify(v)} cannot occur in "${c.column}" (${formatSqlType(rc.type)})`, { location: loc.at(['checks', i, 'values', j]) }));
      });
      return;
    }
    case 'relationships':
      need(c.column, ['checks', i, 'column'], 'relationships column');
      return;
    case 'freshness': {
      const rc = need(c.column, ['checks', i, 'column'], 'freshness column');
      if (rc && !isTemporal(rc.type)) diags.push(diagnostic('LS1305', `freshness needs a date or timestamp column; "${c.column}" is ${formatSqlType(rc.type)}`, { location: loc.at(['checks', i, 'column']) }));
      return;
    }
    case 'volume':
      if (c.min !== undefined && c.max !== undefined && c.min > c.max) diags.push(diagnostic('LS1207', `volume min ${c.min} exceeds max ${c.max}`, { location: loc.at(['checks', i, 'min']) }));
      return;
  }
}

function comparable(a: SqlType, b: SqlType): boolean {
  if (isNumeric(a) && isNumeric(b)) return true;
  if (isTemporal(a) && isTemporal(b)) return true;
  return formatSqlType(a) === formatSqlType(b);
}

function resolvePipeline(
  r: Resource<'Pipeline'>,
  spec: PipelineSpec,
  loc: Locator,
  connections: Map<string, { resolved: ResolvedConnection; loc: Locator }>,
  datasets: Map<string, { ds: ResolvedDataset; loc: Locator }>,
  knownDataset: (n: string) => boolean,
  diags: Diagnostic[],
  template: (step: object, sql: string) => ParsedSqlTemplate,
): ResolvedPipeline {
  const engine = spec.engine ?? 'trino';
  if (spec.schedule !== undefined) {
    const problem = checkCron(spec.schedule);
    if (problem) diags.push(diagnostic('LS1311', `schedule: ${problem}`, { location: loc.at(['schedule']) }));
  }
  if (spec.connection !== undefined) {
    const c = connections.get(spec.connection);
    const want = engine === 'spark' ? 'spark-k8s' : 'trino';
    if (!c) diags.push(diagnostic('LS1302', `unknown connection "${spec.connection}"${didYouMean(spec.connection, connections.keys())}`, { location: loc.at(['connection']) }));
    else if (c.resolved.type !== want) diags.push(diagnostic('LS1315', `engine ${engine} runs on a ${want} connection; "${spec.connection}" is ${c.resolved.type}`, { location: loc.at(['connection']) }));
  }
  const retries = spec.retries ?? 0;
  const timeoutSeconds = spec.timeout ? parseDurationSeconds(spec.timeout) : DEFAULT_TIMEOUT_SECONDS;
  const stepNames = new Set<string>();
  const steps: ResolvedStep[] = [];
  const allNames = spec.steps.map((s) => s.name);
  spec.steps.forEach((s, i) => {
    if (stepNames.has(s.name)) {
      diags.push(diagnostic('LS1301', `step "${s.name}" appears twice in pipeline "${r.name}"`, { location: loc.at(['steps', i, 'name']) }));
      return;
    }
    stepNames.add(s.name);
    const target = datasets.get(s.into);
    if (!target && !knownDataset(s.into)) {
      const guess = closest(s.into, datasets.keys());
      diags.push(diagnostic('LS1302', `step "${s.name}" writes unknown dataset "${s.into}"${guess ? `; did you mean "${guess}"?` : ''}`, { location: loc.at(['steps', i, 'into']), ...(guess ? { fix: { description: `use "${guess}"` } } : {}) }));
    }
    const ds = target?.ds;
    const step: ResolvedStep = {
      name: s.name,
      pipeline: r.name,
      type: s.type,
      into: s.into,
      materialization: 'replace',
      mergeKey: [],
      dependsOn: [],
      reads: [],
      retries: s.retries ?? retries,
      timeoutSeconds: s.timeout ? parseDurationSeconds(s.timeout) : timeoutSeconds,
    };
    if (s.description !== undefined) step.description = s.description;
    (s.dependsOn ?? []).forEach((d, j) => {
      if (!allNames.includes(d)) diags.push(diagnostic('LS1302', `dependsOn names unknown step "${d}"${didYouMean(d, allNames)}`, { location: loc.at(['steps', i, 'dependsOn', j]) }));
      else if (d === s.name) diags.push(diagnostic('LS1303', `step "${s.name}" depends on itself`, { location: loc.at(['steps', i, 'dependsOn', j]) }));
      else step.dependsOn.push(d);
    });
    const colNames = ds?.columns.map((c) => c.name) ?? [];
    const needCol = (col: string, path: (string | number)[], what: string) => {
      if (!ds) return undefined;
      const c = ds.columns.find((x) => x.name === col);
      if (!c) diags.push(diagnostic('LS1304', `${what} "${col}" is not a column of dataset "${s.into}"${didYouMean(col, colNames)}`, { location: loc.at(path) }));
      return c;
    };

    if (s.type === 'ingest') {
      const from = s.from!;
      step.source = { connection: from.connection, ...(from.table ? { table: from.table } : {}), ...(from.path ? { path: from.path } : {}) };
      step.mode = s.mode ?? 'full';
      const c = connections.get(from.connection);
      if (!c) diags.push(diagnostic('LS1302', `unknown connection "${from.connection}"${didYouMean(from.connection, connections.keys())}`, { location: loc.at(['steps', i, 'from', 'connection']) }));
      else {
        const t = c.resolved.type;
        if (t === 'files' || t === 's3') {
          if (!from.path) diags.push(diagnostic('LS1315', `a ${t} connection is read by "path", not "table"`, { location: loc.at(['steps', i, 'from'], 'key') }));
        } else if (t === 'postgres' || t === 'trino') {
          if (!from.table) diags.push(diagnostic('LS1315', `a ${t} connection is read by "table", not "path"`, { location: loc.at(['steps', i, 'from'], 'key') }));
        } else diags.push(diagnostic('LS1315', `cannot ingest from a ${t} connection; use postgres, trino, files or s3`, { location: loc.at(['steps', i, 'from', 'connection']) }));
      }
      if (s.cursor !== undefined) {
        step.cursor = s.cursor;
        const cc = needCol(s.cursor, ['steps', i, 'cursor'], 'cursor');
        if (cc && !isOrderable(cc.type)) diags.push(diagnostic('LS1305', `cursor "${s.cursor}" has type ${formatSqlType(cc.type)}, which cannot be ordered`, { location: loc.at(['steps', i, 'cursor']) }));
      }
      step.materialization = s.materialization ?? (step.mode === 'incremental' ? (ds && ds.primaryKey.length > 0 ? 'merge' : 'append') : 'replace');
    } else {
      const parsedSql = template(s, s.sql!);
      for (const issue of parsedSql.issues) diags.push(diagnostic('LS1314', issue.message, { location: loc.inSql(['steps', i, 'sql'], issue.offset, issue.length) }));
      for (const ref of parsedSql.refs) {
        if (!datasets.has(ref.dataset)) {
          if (!knownDataset(ref.dataset)) {
            const guess = closest(ref.dataset, datasets.keys());
            diags.push(
              diagnostic('LS1302', `ref('${ref.dataset}') names no declared dataset${guess ? `; did you mean "${guess}"?` : ''}`, {
                location: loc.inSql(['steps', i, 'sql'], ref.offset, ref.length),
                ...(guess ? { fix: { description: `use ref('${guess}')` } } : {}),
              }),
            );
          }
          continue;
        }
        if (ref.dataset === s.into) {
          diags.push(diagnostic('LS1303', `step "${s.name}" reads the dataset it writes ("${s.into}")`, { location: loc.inSql(['steps', i, 'sql'], ref.offset, ref.length) }));
          continue;
        }
        if (!step.reads.includes(ref.dataset)) step.reads.push(ref.dataset);
      }
      step.reads.sort(byString);
      for (const bare of parsedSql.bareTables) {
        const asDataset = [...datasets.values()].find(
          (d) => d.ds.name === bare.name || `${d.ds.physical.schema}.${d.ds.physical.table}` === bare.name || `${d.ds.physical.catalog}.${d.ds.physical.schema}.${d.ds.physical.table}` === bare.name,
        );
        const where = loc.inSql(['steps', i, 'sql'], bare.offset, bare.length);
        if (asDataset) {
          diags.push(
            diagnostic('LS1307', `"${bare.name}" is read without ref(): lakespec cannot order the steps or resolve its name per environment`, {
              location: where,
              fix: { description: `write {{ ref('${asDataset.ds.name}') }}`, edit: { file: where.file, range: where.range, newText: `{{ ref('${asDataset.ds.name}') }}` } },
            }),
          );
        } else {
          diags.push(diagnostic('LS1307', `table "${bare.name}" is not a declared dataset; declare it and use {{ ref('…') }}`, { location: where, severity: 'warning' }));
        }
      }
      step.sql = parsedSql.parts;
      step.materialization = s.materialization ?? 'replace';
    }
    if (step.materialization === 'merge') {
      step.mergeKey = s.mergeKey ?? ds?.primaryKey ?? [];
      if (ds && step.mergeKey.length === 0)
        diags.push(diagnostic('LS1318', `step "${s.name}" merges into "${s.into}", which has no primaryKey; set mergeKey`, { location: loc.at(['steps', i, s.materialization ? 'materialization' : 'name']) }));
      (s.mergeKey ?? []).forEach((k, j) => needCol(k, ['steps', i, 'mergeKey', j], 'merge key'));
    } else if (s.mergeKey) {
      diags.push(diagnostic('LS1202', `mergeKey only applies to materialization: merge`, { location: loc.at(['steps', i, 'mergeKey'], 'key'), severity: 'warning' }));
    }
    // Exact-length lists (or the shared empty one): grown by push, each held room for a
    // dozen more, and a resolved pipeline is kept for the life of a watch.
    step.dependsOn = exact(step.dependsOn);
    step.reads = exact(step.reads);
    if (step.mergeKey.length === 0) step.mergeKey = NONE;
    steps.push(step);
  });
  const p: ResolvedPipeline = { name: r.name, engine, retries, timeoutSeconds, labels: r.labels, steps, upstream: [] };
  if (spec.description ?? r.description) p.description = (spec.description ?? r.description)!;
  if (spec.owner !== undefined) p.owner = spec.owner;
  if (spec.connection !== undefined) p.connection = spec.connection;
  if (spec.schedule !== undefined) p.schedule = spec.schedule;
  return p;
}

function addEdge(edges: Map<string, { to: string; via: string; loc: () => Location }[]>, from: string, to: string, via: string, loc: () => Location): void {
  const list = edges.get(from) ?? [];
  list.push({ to, via, loc });
  edges.set(from, list);
}

/** Finds cycles (iterative DFS) and reports each strongly connected loop once. Returns whether any exist. */
function reportCycles(edges: Map<string, { to: string; via: string; loc: () => Location }[]>, diags: Diagnostic[]): boolean {
  const state = new Map<string, 1 | 2>();
  let found = false;
  const nodes = [...edges.keys()].sort(byString);
  for (const start of nodes) {
    if (state.has(start)) continue;
    const stack: { node: string; i: number }[] = [{ node: start, i: 0 }];
    const path: string[] = [start];
    state.set(start, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const out = edges.get(top.node) ?? [];
      if (top.i >= out.length) {
        state.set(top.node, 2);
        stack.pop();
        path.pop();
        continue;
      }
      const e = out[top.i++]!;
      const s = state.get(e.to);
      if (s === 1) {
        found = true;
        const from = path.indexOf(e.to);
        const cycle = [...path.slice(from), e.to];
        const hops = cycle.slice(0, -1).map((n, k) => (edges.get(n) ?? []).find((x) => x.to === cycle[k + 1])!);
        diags.push(
          diagnostic('LS1303', `dependency cycle: ${cycle.join(' → ')} (via ${hops.map((h) => h.via).join(', ')})`, {
            location: e.loc(),
            related: hops.slice(0, -1).map((h) => ({ message: `reads ${h.via}`, location: h.loc() })),
          }),
        );
      } else if (s === undefined) {
        state.set(e.to, 1);
        stack.push({ node: e.to, i: 0 });
        path.push(e.to);
      }
    }
  }
  return found;
}

/** Kahn's algorithm over a pipeline's steps; ties keep declaration order. */
function topoSort(steps: ResolvedStep[]): ResolvedStep[] {
  const index = new Map(steps.map((s, i) => [s.name, i]));
  const indeg = new Map(steps.map((s) => [s.name, s.dependsOn.filter((d) => index.has(d)).length]));
  const out: ResolvedStep[] = [];
  const ready = steps.filter((s) => indeg.get(s.name) === 0);
  while (ready.length > 0) {
    ready.sort((a, b) => index.get(a.name)! - index.get(b.name)!);
    const s = ready.shift()!;
    out.push(s);
    for (const t of steps) {
      if (!t.dependsOn.includes(s.name)) continue;
      const n = indeg.get(t.name)! - 1;
      indeg.set(t.name, n);
      if (n === 0) ready.push(t);
    }
  }
  return out.length === steps.length ? out : steps;
}
