// Identity-keyed memoisation for incremental recompiles. Unchanged files keep their parsed
// resource objects (ParseCache), so everything derived from them can be reused as long as
// the objects it depended on are the same objects as last time.
import { byString } from './canonical-json.js';

/** The same elements, by identity, in the same order. */
export function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a === b || (a.length === b.length && a.every((x, i) => x === b[i]));
}

export class Memo<K extends object, V> {
  private readonly entries = new WeakMap<K, { deps: readonly unknown[]; value: V }>();

  /** `keep` can refuse to remember a value whose inputs the deps do not capture. */
  get(key: K, deps: readonly unknown[], build: () => V, keep: (value: V) => boolean = () => true): V {
    const hit = this.entries.get(key);
    if (hit && sameItems(hit.deps, deps)) return hit.value;
    const value = build();
    // Kept as an exact-length copy: deps lists are mostly built by push(), which leaves room
    // for a dozen more (about 3 MB over the memo tables of a 10 000-dataset project).
    if (keep(value)) this.entries.set(key, { deps: deps.slice(), value });
    else this.entries.delete(key);
    return value;
  }
}

/**
 * `s` flattened in place, for strings that memo tables keep. A string built with `+` or a
 * template literal is a tree of its pieces, 32 bytes a node; reading a character makes V8
 * join it into one sequential string, and the garbage collector then points its referrers
 * at that string and drops the tree. At 10 000 datasets 800 000 retained tree nodes
 * (26 MB) were manifest lines, artifact paths and kinds, layer-file pieces and graph ids.
 */
export function flat(s: string): string {
  s.charCodeAt(0);
  return s;
}

/**
 * Sorting by a string key that reuses the last order when the keys come in the same
 * sequence as last time (a recompile after an edit that renamed nothing): sorting 10 000
 * names by code unit costs a few milliseconds a pass, and a recompile sorted several lists.
 * The last order is kept only when the keys were distinct, so ties never depend on it;
 * `tie` orders items with equal keys (otherwise they keep their input order).
 */
export class SortMemo {
  private last?: { keys: string[]; order: number[] };

  sort<T>(items: readonly T[], key: (x: T) => string, tie?: (a: T, b: T) => number): T[] {
    const keys = items.map(key);
    const l = this.last;
    if (l && l.keys.length === keys.length && keys.every((k, i) => k === l.keys[i])) return l.order.map((i) => items[i]!);
    const order = keys.map((_, i) => i).sort((a, b) => byString(keys[a]!, keys[b]!) || (tie ? tie(items[a]!, items[b]!) : 0));
    const distinct = order.every((x, i) => i === 0 || keys[order[i - 1]!] !== keys[x]);
    this.last = distinct ? { keys, order } : undefined;
    return order.map((i) => items[i]!);
  }
}
