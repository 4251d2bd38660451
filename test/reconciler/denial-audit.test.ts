// The limit on audited refusals: per caller and minute, with the left-out ones counted in the next entry.
import { describe, expect, it } from 'vitest';
import { type Denial, DenialAudit } from '../../reconciler/api/denial-audit.js';

describe('DenialAudit', () => {
  it('writes at most N a minute per caller and says how many it left out', async () => {
    let now = 0;
    const written: [string, number][] = [];
    const audit = new DenialAudit(async (d, suppressed) => void written.push([d.actor, suppressed]), 3, () => now);
    const d = (actor: string): Denial => ({ actor, workspace: null, method: 'GET', path: '/x', status: 401, reason: 'no credentials' });
    for (let i = 0; i < 10; i++) await audit.record(d('a'));
    await audit.record(d('b'));
    expect(written).toEqual([['a', 0], ['a', 0], ['a', 0], ['b', 0]]);
    now = 61_000;
    await audit.record(d('a'));
    expect(written.at(-1)).toEqual(['a', 7]);
  });
});
