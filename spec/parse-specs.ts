// Spec files → schema-valid resources. Pure: the caller reads the files. Results are
// cached per file content so that a recompile after a one-file edit re-parses one file.
import { type Diagnostic, diagnostic } from './diagnostic.js';
import { didYouMean } from './did-you-mean.js';
import * as validators from './generated/validators.js';
import type { Kind, Resource } from './model.js';
import { API_VERSION, KINDS } from './schema-catalog.js';
import { type CompiledValidator, locate, schemaDiagnostics } from './schema-validator.js';
import { canonicalJson, sha256 } from './canonical-json.js';
import type { SourceFile } from './source-file.js';
import { type LoaderLimits, defaultLimits, loadYamlFile } from './yaml-loader.js';

const VALIDATORS: Record<string, CompiledValidator> = {
  Workspace: validators.Workspace,
  Connection: validators.Connection,
  Dataset: validators.Dataset,
  Pipeline: validators.Pipeline,
};

export interface ParsedSpecs {
  resources: Resource[];
  /** Names of resources that exist but failed validation, by kind (to avoid cascading "unknown reference" errors). */
  invalid: Record<Kind, Set<string>>;
  diagnostics: Diagnostic[];
  files: string[];
}

/** Shared by every resource without labels (resources are never changed once parsed). */
const NO_LABELS: Record<string, string> = Object.freeze({}) as Record<string, string>;

interface FileResult {
  resources: Resource[];
  invalid: { kind: Kind; name: string }[];
  diagnostics: Diagnostic[];
}

/**
 * Reuse across calls to skip unchanged files. Keyed by path, and checked against the
 * file's text: comparing two strings is cheaper than hashing one, and a file's results keep
 * its text alive anyway (source positions are computed from it on demand).
 */
export class ParseCache {
  readonly entries = new Map<string, { text: string; result: FileResult }>();
}

export function parseSpecs(files: readonly SourceFile[], options: { cache?: ParseCache; limits?: LoaderLimits } = {}): ParsedSpecs {
  const out: ParsedSpecs = {
    resources: [],
    invalid: { Workspace: new Set(), Connection: new Set(), Dataset: new Set(), Pipeline: new Set() },
    diagnostics: [],
    files: files.map((f) => f.path),
  };
  const seenPaths = new Set<string>();
  for (const file of files) {
    seenPaths.add(file.path);
    let result: FileResult;
    const cached = options.cache?.entries.get(file.path);
    if (cached && cached.text === file.text) result = cached.result;
    else {
      result = parseFile(file, options.limits ?? defaultLimits);
      options.cache?.entries.set(file.path, { text: file.text, result });
    }
    out.resources.push(...result.resources);
    for (const i of result.invalid) out.invalid[i.kind].add(i.name);
    out.diagnostics.push(...result.diagnostics);
  }
  if (options.cache) for (const k of options.cache.entries.keys()) if (!seenPaths.has(k)) options.cache.entries.delete(k);
  return out;
}

function parseFile(file: SourceFile, limits: LoaderLimits): FileResult {
  const loaded = loadYamlFile(file, limits);
  const result: FileResult = { resources: [], invalid: [], diagnostics: [...loaded.diagnostics] };
  for (const s of loaded.salvaged) if (KINDS.includes(s.kind)) result.invalid.push({ kind: s.kind as Kind, name: s.name });
  for (const doc of loaded.documents) {
    const v = doc.value;
    if (!v || typeof v !== 'object' || Array.isArray(v)) {
      result.diagnostics.push(
        diagnostic('LS1008', 'this document is not a resource: expected a mapping with apiVersion, kind, metadata and spec', {
          location: locate(doc, []),
        }),
      );
      continue;
    }
    const obj = v as Record<string, unknown>;
    const kind = obj.kind;
    if (typeof kind !== 'string' || !KINDS.includes(kind)) {
      const loc = locate(doc, kind === undefined ? [] : ['kind'], kind === undefined ? 'value' : 'value');
      const msg =
        kind === undefined
          ? `this document has no "kind"; expected one of ${KINDS.join(', ')}`
          : `unknown kind ${JSON.stringify(kind)}${typeof kind === 'string' ? didYouMean(kind, KINDS) : ''}; expected one of ${KINDS.join(', ')}`;
      result.diagnostics.push(diagnostic('LS1206', msg, { location: loc }));
      continue;
    }
    if (obj.apiVersion !== API_VERSION && typeof obj.apiVersion === 'string' && !obj.apiVersion.startsWith('lakespec.dev/')) {
      result.diagnostics.push(
        diagnostic('LS1206', `apiVersion ${JSON.stringify(obj.apiVersion)} is not a lakespec resource; expected ${API_VERSION}`, {
          location: locate(doc, ['apiVersion']),
        }),
      );
      continue;
    }
    const diags = schemaDiagnostics(kind, doc, VALIDATORS[kind]!);
    const meta = obj.metadata as Record<string, unknown> | undefined;
    const name = typeof meta?.name === 'string' ? meta.name : undefined;
    if (diags.length > 0) {
      result.diagnostics.push(...diags);
      if (name) result.invalid.push({ kind: kind as Kind, name });
      continue;
    }
    const m = meta as { name: string; description?: string; labels?: Record<string, string> };
    const resource: Resource = {
      kind: kind as Kind,
      name: m.name,
      labels: m.labels ?? NO_LABELS,
      spec: obj.spec as Resource['spec'],
      doc,
      fingerprint: sha256(canonicalJson(obj)),
    };
    if (m.description !== undefined) resource.description = m.description;
    result.resources.push(resource);
  }
  return result;
}
