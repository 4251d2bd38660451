// Column types: what an unparsable one is told about quotes the part that is wrong.
import { describe, expect, it } from 'vitest';
import { parseSqlType } from '../../spec/index.js';

describe('parseSqlType', () => {
  it('quotes the text after a valid type, not the end of the string', () => {
    expect(parseSqlType('decimal(12,2) junk')).toEqual({ ok: false, message: 'unexpected text after the type: "junk"' });
    expect(parseSqlType('bigint not null default 0')).toEqual({ ok: false, message: 'unexpected text after the type: "not null default 0"' });
    const long = parseSqlType(`varchar ${'x'.repeat(100)}`);
    expect(long.ok === false && long.message).toBe(`unexpected text after the type: "${'x'.repeat(40)}…"`);
  });
});
