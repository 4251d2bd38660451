// The webhook receiver: the signature (X-Hub-Signature-256, HMAC-SHA256 of the raw body,
// compared in constant time by @octokit/webhooks) is checked before anything is parsed or
// stored; a missing, wrong or sha1= signature leaves nothing but a log line. A verified
// delivery is stored by its X-GitHub-Delivery id and acknowledged at once (202); the work
// happens later from the queue, so a slow database or engine never meets GitHub's
// 10-second limit. Events the app does not handle are acknowledged and ignored.
import { createHash } from 'node:crypto';
import { Webhooks } from '@octokit/webhooks';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import { BodySlots, type Db, type Queryable, type RunQueue, githubDeliveries, readBoundedBody } from '../reconciler/index.js';
import { GITHUB_EXECUTOR } from './delivery-executor.js';
import { workItem } from './work-item.js';

/** Events (and actions) the app acts on; everything else is acknowledged and ignored. */
export const HANDLED: Record<string, readonly string[] | '*'> = {
  ping: '*',
  installation: '*',
  installation_repositories: '*',
  pull_request: ['opened', 'synchronize', 'reopened', 'ready_for_review'],
  check_suite: ['requested', 'rerequested'],
  check_run: ['rerequested'],
  push: '*',
};

export function isHandled(event: string, action: string | undefined): boolean {
  const h = HANDLED[event];
  return h === '*' || (h !== undefined && action !== undefined && h.includes(action));
}

export interface ReceiverOptions {
  db: Db;
  secret: string;
  log: Logger;
  path?: string;
  /** Bodies above this are refused, counting the bytes that arrive (GitHub caps payloads at 25 MB). */
  maxBytes?: number;
  /** A body must arrive within this long (default 30 s; GitHub gives up after 10). */
  bodyTimeoutMs?: number;
  /** Bodies read at once before their signature is checked (default 16); more get 503. */
  concurrentBodies?: number;
  /** Where the work goes: a run with one "github" phase per delivery that needs work. */
  queue?: RunQueue;
  /** Called after a new delivery is stored. */
  onStored?: (deliveryId: string) => void;
  /**
   * Pushes and pull requests dated longer ago than this are stored but not worked on
   * (default 72 h, the time GitHub keeps a delivery for redelivery; 0: no limit). The
   * delivery id is not signed, so this bounds what a captured payload can still cause.
   */
  maxPayloadAgeSeconds?: number;
  /** The clock (tests). */
  now?: () => number;
}

/** When a push or pull request happened, as its payload says; undefined for other events. */
export function payloadDate(event: string, payload: Record<string, unknown>): Date | undefined {
  const at = (v: unknown): Date | undefined => {
    const d = typeof v === 'number' ? new Date(v * 1000) : typeof v === 'string' ? new Date(v) : undefined;
    return d && Number.isFinite(d.getTime()) ? d : undefined;
  };
  // pushed_at is epoch seconds in push payloads; head_commit may be absent (a tag, an empty push).
  if (event === 'push') return at((payload.repository as { pushed_at?: unknown } | undefined)?.pushed_at) ?? at((payload.head_commit as { timestamp?: unknown } | null | undefined)?.timestamp);
  if (event === 'pull_request') return at((payload.pull_request as { updated_at?: unknown } | undefined)?.updated_at);
  return undefined;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any app's environment: the receiver uses none of it
export function mountWebhookReceiver(app: Hono<any>, o: ReceiverOptions): void {
  const webhooks = new Webhooks({ secret: o.secret });
  const limits = { maxBytes: o.maxBytes ?? 25 * 1024 * 1024, timeoutMs: o.bodyTimeoutMs ?? 30_000 };
  const slots = new BodySlots(o.concurrentBodies ?? 16);
  app.post(o.path ?? '/github/webhooks', async (c) => {
    const delivery = c.req.header('x-github-delivery');
    const event = c.req.header('x-github-event');
    const signature = c.req.header('x-hub-signature-256');
    // The signature covers the body, so the body is read first: within bounds.
    const read = await readBoundedBody(c.req.raw, limits, slots);
    if (!read.ok) {
      o.log.warn({ delivery, event, status: read.status, reason: read.error, from: c.req.header('x-forwarded-for') ?? null }, 'webhook refused');
      // Closing the connection drops whatever the sender still has to send.
      return c.json({ error: read.error }, read.status, { Connection: 'close' });
    }
    const body = read.bytes.toString('utf8');
    let valid = false;
    if (signature && signature.startsWith('sha256=') && body.length > 0) {
      try {
        valid = await webhooks.verify(body, signature);
      } catch {
        valid = false;
      }
    }
    if (!valid) {
      o.log.warn({ delivery, event, reason: !signature ? 'missing signature' : signature.startsWith('sha256=') ? 'signature mismatch' : 'not a sha256 signature' }, 'webhook refused');
      return c.json({ error: 'invalid signature' }, 401);
    }
    if (!delivery || !event) return c.json({ error: 'X-GitHub-Delivery and X-GitHub-Event are required' }, 400);
    let payload: { action?: string; installation?: { id?: number }; repository?: { full_name?: string } };
    try {
      payload = JSON.parse(body);
    } catch {
      return c.json({ error: 'the body is not JSON' }, 400);
    }
    const handled = isHandled(event, payload.action);
    // The delivery id is not signed: the same signed content under another id is a replay.
    const content = createHash('sha256').update(event).update('\n').update(read.bytes).digest('hex');
    // Stored and queued in one transaction: acknowledged means it will be worked on.
    let stored: { duplicate: boolean; status: string };
    try {
      stored = await o.db.transaction(async (tx) => {
      const r = await githubDeliveries.store(tx, {
        deliveryId: delivery,
        event,
        action: payload.action ?? null,
        installationId: payload.installation?.id ?? null,
        repository: payload.repository?.full_name ?? null,
        payload: body,
        status: handled ? 'queued' : 'ignored',
        payloadSha256: content,
      });
      if (r !== 'stored') {
        if (r === 'replayed') o.log.warn({ delivery, event, payload_sha256: content }, 'webhook replayed: this signed payload was already received under another delivery id; not worked on again');
        return { duplicate: true, status: r };
      }
      if (!handled) return { duplicate: false, status: 'ignored' };
      return { duplicate: false, status: await dispatch(tx, o, delivery, event, payload as Record<string, unknown>) };
      });
    } catch (e) {
      // Not stored, so not acknowledged: GitHub records a failed delivery, and the app asks
      // for it again once the database is back (see redelivery.ts).
      o.log.error({ delivery, event, error: (e as Error).message }, 'webhook not stored: the state store is unavailable');
      return c.json({ error: 'the state store is unavailable; this delivery will be redelivered' }, 503);
    }
    const { duplicate, status } = stored;
    o.log.info({ delivery, event, action: payload.action, status, duplicate }, 'webhook received');
    if (!duplicate) o.onStored?.(delivery);
    return c.json({ delivery, status, duplicate }, 202);
  });
}

/** What a new delivery turns into: a queued run, or handled on the spot (ping, installation). */
async function dispatch(tx: Queryable, o: ReceiverOptions, delivery: string, event: string, payload: Record<string, unknown>): Promise<string> {
  const done = async (note: string) => {
    await githubDeliveries.done(tx, delivery, note);
    return 'done';
  };
  if (event === 'ping') return done('pong');
  if (event === 'installation' || event === 'installation_repositories') {
    const inst = payload.installation as { id?: number; account?: { login?: string } } | undefined;
    if (!inst?.id) return done('no installation in the payload');
    const action = String(payload.action ?? '');
    const listed = (payload.repositories ?? payload.repositories_added ?? []) as { full_name?: string }[];
    const removed = ((payload.repositories_removed ?? []) as { full_name?: string }[]).map((r) => r.full_name);
    await githubDeliveries.recordInstallation(tx, {
      id: inst.id,
      account: inst.account?.login ?? 'unknown',
      repositories: listed.map((r) => r.full_name).filter((n): n is string => Boolean(n)),
      removed: removed.filter((n): n is string => Boolean(n)),
      suspended: action === 'suspend',
      deleted: action === 'deleted',
    });
    return done(`installation ${action}`);
  }
  const window = o.maxPayloadAgeSeconds ?? 72 * 3600;
  const dated = payloadDate(event, payload);
  if (window > 0 && dated && ((o.now ?? Date.now)() - dated.getTime()) / 1000 > window) {
    o.log.warn({ delivery, event, dated: dated.toISOString() }, 'webhook payload too old: stored, not worked on');
    await done(`stale: the payload is dated ${dated.toISOString()}, more than ${Math.round(window / 3600)} h ago; not worked on (LAKESPEC_GITHUB_MAX_PAYLOAD_AGE_HOURS)`);
    return 'stale';
  }
  const item = workItem(event, payload);
  if (item.kind === 'none') return done(item.reason);
  if (!o.queue) return 'queued';
  await o.queue.createRun(
    {
      workspace: `github.${item.owner}.${item.repo}`,
      environment: 'github',
      specSlug: item.kind === 'apply' ? `${item.fullName}@${item.defaultBranch}` : `${item.fullName}${'pullRequest' in item && item.pullRequest !== undefined ? `#${item.pullRequest}` : ''}`,
      gitSha: item.sha,
      trigger: event,
      requester: `github:${item.requester}`,
      phases: [{ name: item.kind === 'apply' ? 'apply' : 'checks', executor: GITHUB_EXECUTOR, input: { deliveryId: delivery }, maxAttempts: 6, timeoutSeconds: 3600 }],
      inputManifest: { delivery, event, action: payload.action ?? null, repository: item.fullName },
    },
    tx,
  );
  return 'queued';
}
