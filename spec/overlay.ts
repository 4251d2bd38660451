// Environment overlays: workspace defaults → the environment's defaults → the resource →
// the resource's overrides for the environment. Mappings merge key by key; lists and
// scalars replace.

export function deepMerge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (isPlainObject(base) && isPlainObject(over)) {
    const out: Record<string, unknown> = Object.assign({}, base); // not a spread: see plain-copy.ts
    for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
    return out;
  }
  return over;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function overlay<T>(layers: unknown[]): T {
  let acc: unknown = {};
  for (const l of layers) if (l !== undefined) acc = deepMerge(acc, l);
  return acc as T;
}
