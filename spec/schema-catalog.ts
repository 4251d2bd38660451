// The published JSON Schemas, read as data: used to suggest property names and allowed
// values in diagnostics ("did you mean …"). Validation itself runs the precompiled code.
import common from '../schemas/common.schema.json' with { type: 'json' };
import connection from '../schemas/connection.schema.json' with { type: 'json' };
import dataset from '../schemas/dataset.schema.json' with { type: 'json' };
import pipeline from '../schemas/pipeline.schema.json' with { type: 'json' };
import workspace from '../schemas/workspace.schema.json' with { type: 'json' };

export type JsonSchema = { [key: string]: unknown };

const byId = new Map<string, JsonSchema>();
for (const s of [common, connection, dataset, pipeline, workspace] as JsonSchema[]) byId.set(s.$id as string, s);

export const kindSchemas: Record<string, JsonSchema> = {
  Workspace: workspace as JsonSchema,
  Connection: connection as JsonSchema,
  Dataset: dataset as JsonSchema,
  Pipeline: pipeline as JsonSchema,
};

export const KINDS = Object.keys(kindSchemas);
export const API_VERSION = 'lakespec.dev/v1';

interface Ctx {
  schema: JsonSchema;
  root: JsonSchema;
}

function resolveRef(ref: string, root: JsonSchema): Ctx | undefined {
  const [file, fragment] = ref.split('#');
  let doc = root;
  if (file) {
    const base = String(root.$id).replace(/[^/]*$/, '');
    const found = byId.get(base + file);
    if (!found) return undefined;
    doc = found;
  }
  let node: unknown = doc;
  for (const part of (fragment ?? '').split('/').filter(Boolean)) node = (node as JsonSchema | undefined)?.[part];
  return node && typeof node === 'object' ? { schema: node as JsonSchema, root: doc } : undefined;
}

/** Every subschema that applies at this node for this data (following $ref, allOf and matching if/then). */
function expand(ctx: Ctx, data: unknown, out: Ctx[] = [], guard = 0): Ctx[] {
  if (guard > 32) return out;
  out.push(ctx);
  const s = ctx.schema;
  if (typeof s.$ref === 'string') {
    const r = resolveRef(s.$ref, ctx.root);
    if (r) expand(r, data, out, guard + 1);
  }
  for (const sub of (s.allOf as JsonSchema[] | undefined) ?? []) {
    if (sub.if && sub.then) {
      if (matchesIf(sub.if as JsonSchema, data)) expand({ schema: sub.then as JsonSchema, root: ctx.root }, data, out, guard + 1);
    } else expand({ schema: sub, root: ctx.root }, data, out, guard + 1);
  }
  return out;
}

/** Our `if` clauses only test const/enum of properties; evaluate just that. */
function matchesIf(cond: JsonSchema, data: unknown): boolean {
  if (!data || typeof data !== 'object') return false;
  const props = (cond.properties as Record<string, JsonSchema> | undefined) ?? {};
  for (const [k, rule] of Object.entries(props)) {
    const v = (data as Record<string, unknown>)[k];
    if ('const' in rule && v !== rule.const) return false;
    if (Array.isArray(rule.enum) && !rule.enum.includes(v)) return false;
  }
  return true;
}

/** Navigate from a kind's schema along a data path; returns the schemas that apply there. */
export function schemasAt(kind: string, path: readonly (string | number)[], root: unknown): Ctx[] {
  const top = kindSchemas[kind];
  if (!top) return [];
  let ctxs = expand({ schema: top, root: top }, root);
  let data = root;
  for (const seg of path) {
    const next: Ctx[] = [];
    const child = data && typeof data === 'object' ? (data as Record<string, unknown>)[seg as string] : undefined;
    for (const c of ctxs) {
      const s = c.schema;
      let sub: unknown;
      if (typeof seg === 'number') sub = s.items;
      else sub = (s.properties as Record<string, unknown> | undefined)?.[seg] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
      if (sub && typeof sub === 'object') expand({ schema: sub as JsonSchema, root: c.root }, child, next);
    }
    ctxs = next;
    data = child;
  }
  return ctxs;
}

export function propertyNamesAt(kind: string, path: readonly (string | number)[], root: unknown): string[] {
  const names = new Set<string>();
  for (const c of schemasAt(kind, path, root)) {
    for (const k of Object.keys((c.schema.properties as object | undefined) ?? {})) names.add(k);
  }
  return [...names].sort();
}

export function descriptionAt(kind: string, path: readonly (string | number)[], root: unknown): string | undefined {
  for (const c of schemasAt(kind, path, root)) if (typeof c.schema.description === 'string') return c.schema.description;
  return undefined;
}
