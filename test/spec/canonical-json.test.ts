// canonicalJson is what spec fingerprints and hashes are made of: JSON with every object's
// keys in code-unit order, whatever order they came in, that reads back as the same value.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../spec/index.js';

/**
 * The reference, written the plain way: sorted keys mapped and joined. (A sorted copy passed
 * to JSON.stringify is not one: objects list integer-like keys first whatever the order.)
 */
function reference(v: unknown): string {
  if (Array.isArray(v)) return '[' + v.map((x) => reference(x === undefined ? null : x)).join(',') + ']';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  const o = v as Record<string, unknown>;
  return '{' + Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => JSON.stringify(k) + ':' + reference(o[k])).join(',') + '}';
}

describe('canonicalJson', () => {
  it('writes any JSON value with sorted keys, and reads back as the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(canonicalJson(v)).toBe(reference(v));
        // (compared through JSON, which has no -0)
        expect(JSON.parse(canonicalJson(v))).toEqual(JSON.parse(JSON.stringify(v)));
      }),
      { numRuns: 500 },
    );
  });

  it('ignores the order keys were written in, and drops undefined members as JSON does', () => {
    expect(canonicalJson({ b: 1, a: [{ z: 1, y: undefined, x: 'é' }], c: undefined })).toBe('{"a":[{"x":"é","z":1}],"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
    expect(canonicalJson([undefined, null])).toBe('[null,null]');
    expect(canonicalJson({ B: 1, a: 2, _: 3 })).toBe('{"B":1,"_":3,"a":2}');
    expect(canonicalJson({ '': 1, '0': 2, '10': 3, '9': 4 })).toBe('{"":1,"0":2,"10":3,"9":4}');
  });
});
