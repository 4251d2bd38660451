// One folder per broken (or clean) project under test/fixtures/diagnostics; the CLI's text
// output for each is compared with test/golden/diagnostics/<case>.txt.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectGolden } from '../helpers/golden.js';
import { FIXTURES, GOLDEN } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

const dir = join(FIXTURES, 'diagnostics');
const cases = readdirSync(dir).sort();

describe('diagnostics (golden)', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThan(15));
  for (const c of cases) {
    it(c, async () => {
      const r = await runCli(['validate', c, '--env', 'dev'], dir);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(c === 'clean' ? 0 : 1);
      expectGolden(join(GOLDEN, 'diagnostics', `${c}.txt`), r.stdout);
      // The JSON form carries the same problems, with codes and ranges for tools.
      const j = JSON.parse((await runCli(['validate', c, '--env', 'dev', '--format', 'json'], dir)).stdout);
      for (const d of j.diagnostics) {
        expect(d.code).toMatch(/^LS\d{4}$/);
        if (d.file) expect(d.range.start.line).toBeGreaterThan(0);
      }
    });
  }
});
