// Maps a dataset to its physical catalog.schema.table for an environment.
import type { NamingSpec } from './model.js';

export const DEFAULT_NAMING: Required<NamingSpec> = {
  catalog: '{env}_{catalog}',
  schema: '{workspace}_{layer}',
  table: '{name}',
};

export const BUILTIN_PLACEHOLDERS = ['env', 'catalog', 'workspace', 'project', 'layer', 'name', 'table'];

export type NamingResult = { ok: true; value: string } | { ok: false; unknown: string } | { ok: false; invalid: string };

const IDENT = /^[a-z_][a-z0-9_]*$/;

export function expandTemplate(template: string, vars: Record<string, string>): NamingResult {
  let unknown: string | undefined;
  const value = template.replace(/\{([^{}]*)\}/g, (_, key: string) => {
    const v = vars[key];
    if (v === undefined) {
      unknown ??= key;
      return '';
    }
    return v;
  });
  if (unknown !== undefined) return { ok: false, unknown };
  if (!IDENT.test(value) || value.length > 128) return { ok: false, invalid: value };
  return { ok: true, value };
}
