// The webhook receiver over real HTTP, driven by GitHub's own example payloads
// (@octokit/webhooks-examples) signed as GitHub signs them: every example of every handled
// event is stored once and acknowledged; duplicates create nothing new; unhandled events are
// acknowledged and ignored; missing, wrong and sha1 signatures are refused and leave nothing
// but a log line.
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { serve } from '@hono/node-server';
import { Webhooks } from '@octokit/webhooks';
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANDLED, isHandled, mountWebhookReceiver } from '../../github-app/index.js';
import { type Db, migrate, openPglite } from '../../reconciler/index.js';

const require = createRequire(import.meta.url);
const EXAMPLES = require('@octokit/webhooks-examples') as { name: string; examples: Record<string, unknown>[] }[];
const SECRET = 'It’s a Secret to Everybody';
const signer = new Webhooks({ secret: SECRET });

let db: Db;
let base: string;
let close: () => void;
let logs = '';
let n = 0;

beforeAll(async () => {
  db = await openPglite(undefined);
  await migrate(db);
  const app = new Hono();
  const log = pino(new Writable({ write: (c, _e, cb) => ((logs += c.toString()), cb()) }));
  mountWebhookReceiver(app, { db, secret: SECRET, log });
  await new Promise<void>((ready) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      base = `http://127.0.0.1:${info.port}`;
      ready();
    });
    close = () => server.close();
  });
}, 60_000);

afterAll(async () => {
  close?.();
  await db?.close();
});

async function deliver(event: string, body: string, headers: Record<string, string | undefined> = {}) {
  const id = headers.id ?? `delivery-${++n}`;
  const h: Record<string, string> = { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': id, 'user-agent': 'GitHub-Hookshot/test' };
  const sig = 'signature' in headers ? headers.signature : await signer.sign(body);
  if (sig !== undefined) h['x-hub-signature-256'] = sig;
  const res = await fetch(`${base}/github/webhooks`, { method: 'POST', headers: h, body });
  return { status: res.status, json: (await res.json()) as { status?: string; duplicate?: boolean; error?: string; delivery?: string }, id };
}

const count = async () => (await db.query<{ n: number }>('SELECT count(*)::integer AS n FROM github_deliveries')).rows[0]!.n;

describe('webhook receiver', () => {
  it('stores and acknowledges every example of every handled event, once', async () => {
    let handled = 0;
    for (const name of Object.keys(HANDLED)) {
      const group = EXAMPLES.find((e) => e.name === name);
      expect(group, `examples for ${name}`).toBeDefined();
      for (const example of group!.examples) {
        const body = JSON.stringify(example);
        const first = await deliver(name, body);
        expect(first.status, `${name}.${String(example.action)}`).toBe(202);
        const action = example.action as string | undefined;
        // Handled events become queued work, or are done on the spot (ping, installation
        // events, pushes to other branches); the rest are ignored.
        // GitHub's examples are years old: pushes and pull requests among them are stale.
        const expected = !isHandled(name, action) ? ['ignored'] : name === 'ping' || name.startsWith('installation') ? ['done'] : name === 'push' || name === 'pull_request' ? ['stale', 'done'] : ['queued', 'done'];
        expect(expected, `${name}.${String(action)}`).toContain(first.json.status);
        if (isHandled(name, action)) handled++;
        // GitHub redelivers with the same id: nothing new.
        const again = await deliver(name, body, { id: first.id });
        expect(again.json).toMatchObject({ duplicate: true });
        const row = (await db.query<{ event: string; payload: unknown }>('SELECT event, payload FROM github_deliveries WHERE delivery_id = $1', [first.id])).rows[0]!;
        expect(row.event).toBe(name);
        expect(row.payload).toEqual(example);
      }
    }
    expect(handled).toBeGreaterThan(10);
    // Installation events are recorded (account and repositories).
    const inst = await db.query<{ account: string; repositories: string[] }>('SELECT account, repositories FROM github_installations');
    expect(inst.rows.length).toBeGreaterThan(0);
    expect(inst.rows.every((r) => r.account.length > 0)).toBe(true);
    const stored = await count();
    expect(stored).toBe(n); // one row per distinct delivery id, none for the redeliveries
  });

  it('does not work on a captured payload again when it is replayed under a new delivery id', async () => {
    const push = { ...(EXAMPLES.find((e) => e.name === 'push')!.examples[0] as object), after: 'f'.repeat(40), marker: 'replay-test' };
    const body = JSON.stringify(push);
    const first = await deliver('push', body);
    expect(first.status).toBe(202);
    const before = await count();
    const replay = await deliver('push', body, { id: 'attacker-chosen-id' });
    expect(replay.status).toBe(202);
    expect(replay.json).toMatchObject({ duplicate: true, status: 'replayed' });
    expect(await count()).toBe(before);
    expect(logs).toContain('webhook replayed');
    // The same body as another event is another delivery.
    expect((await deliver('check_suite', body)).json.duplicate).toBe(false);
  });

  it('does not work on a push or pull request dated more than 72 hours ago (a captured payload sent again)', async () => {
    const example = EXAMPLES.find((e) => e.name === 'push')!.examples[0] as { repository: Record<string, unknown> };
    const dated = (secondsAgo: number, marker: string) => JSON.stringify({ ...example, marker, repository: { ...example.repository, pushed_at: Math.floor(Date.now() / 1000) - secondsAgo } });
    const old = await deliver('push', dated(73 * 3600, 'stale-push'));
    expect(old.status).toBe(202);
    expect(old.json).toMatchObject({ duplicate: false, status: 'stale' });
    const row = (await db.query<{ status: string; error: string }>('SELECT status, error FROM github_deliveries WHERE delivery_id = $1', [old.json.delivery])).rows[0]!;
    expect(row).toMatchObject({ status: 'done' });
    expect(row.error).toMatch(/^stale: the payload is dated .* more than 72 h ago/);
    expect(logs).toContain('webhook payload too old');
    // Within the window (a redelivery of yesterday's push) it is worked on.
    const recent = await deliver('push', dated(24 * 3600, 'recent-push'));
    expect(recent.json.status).not.toBe('stale');
    expect((await db.query<{ error: string | null }>('SELECT error FROM github_deliveries WHERE delivery_id = $1', [recent.json.delivery])).rows[0]!.error ?? '').not.toMatch(/stale/);
    const pr = EXAMPLES.find((e) => e.name === 'pull_request')!.examples.find((e) => e.action === 'opened') as { pull_request: Record<string, unknown> };
    const oldPr = await deliver('pull_request', JSON.stringify({ ...pr, pull_request: { ...pr.pull_request, updated_at: new Date(Date.now() - 80 * 3600_000).toISOString() } }));
    expect(oldPr.json.status).toBe('stale');
  });

  it('acknowledges and ignores events it does not handle', async () => {
    const star = EXAMPLES.find((e) => e.name === 'star')!.examples[0]!;
    const r = await deliver('star', JSON.stringify(star));
    expect(r.status).toBe(202);
    expect(r.json.status).toBe('ignored');
  });

  it('refuses missing, wrong and sha1 signatures, storing nothing', async () => {
    const body = JSON.stringify(EXAMPLES.find((e) => e.name === 'ping')!.examples[0]);
    const before = await count();
    const { createHmac } = await import('node:crypto');
    const sha1 = 'sha1=' + createHmac('sha1', SECRET).update(body).digest('hex');
    const cases = {
      missing: undefined,
      wrong: await new Webhooks({ secret: 'not the secret' }).sign(body),
      sha1,
      garbage: 'sha256=zz',
      // A valid signature over a different body (a tampered payload).
      tampered: await signer.sign(body + ' '),
    };
    for (const [what, signature] of Object.entries(cases)) {
      const r = await deliver('ping', body, { signature });
      expect(r.status, what).toBe(401);
    }
    expect(await count()).toBe(before);
    expect(logs).toContain('"msg":"webhook refused"');
    expect(logs).not.toContain(SECRET);
  });
});
