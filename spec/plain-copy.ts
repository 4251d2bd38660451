// Copies of plain objects with properties added or replaced.
//
// Not `{ ...src, key: value }`: for a spread of an object parsed from YAML (or one built
// by spreads itself), V8 makes the copy's hidden class ("map") a fresh one outside the
// transition tree, so every copy and every property added to it gets maps of its own. At
// 10 000 datasets 44 000 retained objects carried private maps (13.8 MB of heap, and the
// freezing of the IR paid for each one). Object.assign onto `{}` adds the properties one
// by one along the shared transition tree, so copies of the same shape share one map.

/** `src`'s own enumerable properties, then `extra`'s (as `{ ...src, ...extra }`). */
export function withProps<A extends object, B extends object>(src: A, extra: B): Omit<A, keyof B> & B {
  return Object.assign({}, src, extra) as Omit<A, keyof B> & B;
}

/** A copy with its keys in code-unit order, so that JSON.stringify of it is canonical without sorting. */
export function sortedKeys<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort()) out[k] = (o as Record<string, unknown>)[k];
  return out as T;
}
