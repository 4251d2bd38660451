// The diagnostics catalog: stable code format, and documented in docs/diagnostics.md.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalog } from '../../spec/index.js';
import { ROOT } from '../helpers/paths.js';

describe('diagnostics catalog', () => {
  it('uses LS + four digits, with a title and help for each', () => {
    for (const [code, e] of Object.entries(catalog)) {
      expect(code).toMatch(/^LS1\d{3}$/);
      expect(e.title.length).toBeGreaterThan(3);
      expect(e.help.length).toBeGreaterThan(10);
    }
  });

  it('is documented in docs/diagnostics.md', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'diagnostics.md'), 'utf8');
    for (const [code, e] of Object.entries(catalog)) expect(doc).toContain(`| ${code} | ${e.severity} | ${e.title} |`);
  });
});
