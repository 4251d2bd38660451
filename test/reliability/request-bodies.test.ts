// Bodies an attacker sends to the real `lakespec serve` (GitHub App on, embedded state):
// chunked 100 MB bodies with a forged signature are cut off at GitHub's 25 MB and answered
// 413 without the server's memory following them, a body that trickles in is refused with
// 408 after the configured time, more bodies at once than the server reads are refused with
// 503, and an authenticated API route stops reading at its own limit.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';

const BIN = join(ROOT, 'bin', 'lakespec.js');
let child: ChildProcess | undefined;
let out = '';
let base = '';
let admin = '';

/** Peak resident memory of a process so far, in MB (VmHWM). */
function peakMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) / 1024;
}

beforeAll(async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'lakespec-bodies-'));
  const state = join(tmp, 'state');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  writeFileSync(join(tmp, 'key.pem'), privateKey);
  admin = (JSON.parse(execFileSync(process.execPath, [BIN, 'token', 'create', 'root', '--role', 'admin', '--state', state, '--json'], { encoding: 'utf8' })) as { token: string }).token;
  child = spawn(process.execPath, [BIN, 'serve', '--state', state, '--port', '0'], {
    cwd: tmp,
    env: {
      ...process.env,
      DATABASE_URL: '',
      LAKESPEC_GITHUB_APP_ID: '4242',
      LAKESPEC_GITHUB_PRIVATE_KEY_FILE: join(tmp, 'key.pem'),
      LAKESPEC_GITHUB_WEBHOOK_SECRET: 'the-real-secret',
      LAKESPEC_GITHUB_API_URL: 'http://127.0.0.1:9',
      LAKESPEC_GITHUB_REDELIVER_SECONDS: '0',
      LAKESPEC_GITHUB_BODY_TIMEOUT_SECONDS: '2',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  const end = Date.now() + 60_000;
  while (!/lakespec serve: (http:\/\/\S+)/.test(out)) {
    if (Date.now() > end) throw new Error(`serve did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  base = /lakespec serve: (http:\/\/\S+)/.exec(out)![1]!;
}, 90_000);

afterAll(() => {
  child?.kill('SIGKILL');
});

/** Sends a chunked body of up to `totalMb` in 1 MB chunks (or `trickle`: one byte a second) and resolves with the answer. */
function send(path: string, o: { totalMb?: number; trickle?: boolean; headers?: Record<string, string> }): Promise<{ status: number; ms: number; sentMb: number }> {
  const url = new URL(path, base);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', ...o.headers } }, (res) => {
      answered = true;
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: Date.now() - started, sentMb: sent / (1024 * 1024) }));
    });
    // The server may close the connection on a body it refuses before this side reads the answer.
    req.on('error', (e: NodeJS.ErrnoException) => (answered ? undefined : e.code === 'ECONNRESET' || e.code === 'EPIPE' ? resolve({ status: -1, ms: Date.now() - started, sentMb: sent / (1024 * 1024) }) : reject(e)));
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    const pump = () => {
      if (answered || req.destroyed) return;
      if (o.trickle) {
        req.write('a');
        setTimeout(pump, 1000);
        return;
      }
      if (sent >= (o.totalMb ?? 0) * 1024 * 1024) return void req.end();
      sent += chunk.length;
      if (req.write(chunk)) setImmediate(pump);
      else req.once('drain', pump);
    };
    pump();
  });
}

const forged = { 'x-github-event': 'push', 'x-github-delivery': 'attack', 'x-hub-signature-256': 'sha256=' + '0'.repeat(64) };

describe('request bodies under attack, against the real lakespec serve', () => {
  it('cuts four concurrent chunked 100 MB forged webhooks off at 25 MB, with memory held flat', async () => {
    const pid = child!.pid!;
    const before = peakMb(pid);
    const answers = await Promise.all([1, 2, 3, 4].map(() => send('/github/webhooks', { totalMb: 100, headers: forged })));
    const after = peakMb(pid);
    for (const a of answers) {
      // 413, or (under load) the connection closed under the sender before it read the 413.
      expect([413, -1]).toContain(a.status);
      expect(a.sentMb).toBeLessThan(60);
    }
    // Four bodies of at most 25 MB each, not 400 MB.
    expect(after - before, `peak RSS ${before.toFixed(0)} → ${after.toFixed(0)} MB`).toBeLessThan(250);
    console.log(`forged 100 MB bodies: answered 413 after ${answers.map((a) => `${(a.ms / 1000).toFixed(1)} s (${a.sentMb.toFixed(0)} MB sent)`).join(', ')}; serve peak RSS ${before.toFixed(0)} → ${after.toFixed(0)} MB`);
    // The server still answers.
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  }, 120_000);

  it('refuses a body that trickles in with 408, and more bodies at once than it reads with 503', async () => {
    const slow = await send('/github/webhooks', { trickle: true, headers: forged });
    expect(slow.status).toBe(408);
    expect(slow.ms).toBeLessThan(10_000);
    const many = await Promise.all(Array.from({ length: 20 }, () => send('/github/webhooks', { trickle: true, headers: forged })));
    const by = (s: number) => many.filter((a) => a.status === s).length;
    expect(by(408)).toBe(16);
    expect(by(503)).toBe(4);
    expect(out).toContain('"reason":"too many requests are sending bodies; try again shortly"');
  }, 60_000);

  it('stops reading an authenticated API body at the route limit (413), and refuses an unauthenticated one before reading it', async () => {
    const big = await send('/api/v1/runs', { totalMb: 20, headers: { authorization: `Bearer ${admin}` } });
    expect(big.status).toBe(413);
    const anonymous = await send('/api/v1/runs', { totalMb: 20 });
    expect(anonymous.status).toBe(401);
  }, 60_000);
});
