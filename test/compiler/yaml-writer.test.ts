// The YAML writer's output reads back as the same data with a real YAML parser.
import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { toYaml } from '../../compiler/yaml-writer.js';

const keyArb = fc.oneof(fc.constantFrom('name', 'on', 'true', '1', 'a b', 'x:y', '-', '#c', '+database', 'data_tests'), fc.string({ maxLength: 10 }));
const scalarArb = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('yes', 'no', 'null', '~', '1e3', '0x1F', '.inf', "{{ ref('x') }}", "{{ env_var('A', 'b') }}", '- item', ': x', 'a #b', 'multi\nline\n', 'x\n  indented', ' lead', 'trail ', '*alias', '&anchor', '!tag', '@at', '`tick`', '"q"', "'s'", '|', '>', '%'),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
const valueArb = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, scalarArb, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(keyArb, tie('value'), { maxKeys: 4 })),
})).value;

describe('toYaml', () => {
  it('round-trips through the yaml parser (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(keyArb, valueArb, { maxKeys: 6 }), (data) => {
        const text = toYaml(data);
        const back = parse(text, { schema: 'core', uniqueKeys: false });
        expect(back ?? {}).toEqual(JSON.parse(JSON.stringify(data)));
      }),
      { numRuns: 1500 },
    );
  });

  it('with an indent, prefixes exactly the non-empty lines, and reads back inside a list (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.dictionary(keyArb, valueArb, { minKeys: 1, maxKeys: 4 }), { minLength: 1, maxLength: 3 }), fc.constantFrom('  ', '      '), (items, indent) => {
        const text = toYaml(items, indent);
        expect(text).toBe(toYaml(items).split('\n').map((l) => (l.length > 0 ? indent + l : l)).join('\n'));
        const back = parse(`list:\n${text}`, { schema: 'core', uniqueKeys: false }) as { list: unknown };
        expect(back.list).toEqual(JSON.parse(JSON.stringify(items)));
      }),
      { numRuns: 500 },
    );
  });

  it('writes readable block YAML', () => {
    expect(toYaml({ version: 2, models: [{ name: 'orders', columns: [{ name: 'id', data_tests: ['not_null'] }] }] })).toBe(
      'version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: id\n        data_tests:\n          - not_null\n',
    );
  });
});
