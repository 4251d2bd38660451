// The webhook receiver: the signature (X-Hub-Signature-256, HMAC-SHA256 of the raw body,
// compared in constant time by @octokit/webhooks) is checked before anything is parsed or
// stored; a missing, wrong or sha1= signature leaves nothing but a log line. A verified
// delivery is stored by its X-GitHub-Delivery id and acknowledged at once (202); the work
// happens later from the queue, so a slow database or engine never meets GitHub's
// 10-second limit. Events the app does not handle are acknowledged and ignored.
import { Webhooks } from '@octokit/webhooks';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import type { Db } from '../reconciler/index.js';

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
  /** Bodies above this are refused before verification (GitHub caps payloads at 25 MB). */
  maxBytes?: number;
  /** Called after a new delivery is stored (wakes the delivery worker). */
  onStored?: (deliveryId: string) => void;
}

export function mountWebhookReceiver(app: Hono, o: ReceiverOptions): void {
  const webhooks = new Webhooks({ secret: o.secret });
  const max = o.maxBytes ?? 25 * 1024 * 1024;
  app.post(o.path ?? '/github/webhooks', async (c) => {
    const delivery = c.req.header('x-github-delivery');
    const event = c.req.header('x-github-event');
    const signature = c.req.header('x-hub-signature-256');
    const length = Number(c.req.header('content-length') ?? 0);
    if (length > max) {
      o.log.warn({ delivery, event, bytes: length }, 'webhook refused: body too large');
      return c.json({ error: 'payload too large' }, 413);
    }
    const body = await c.req.text();
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
    const status = isHandled(event, payload.action) ? 'queued' : 'ignored';
    const r = await o.db.query(
      `INSERT INTO github_deliveries (delivery_id, event, action, installation_id, repository, payload, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (delivery_id) DO NOTHING`,
      [delivery, event, payload.action ?? null, payload.installation?.id ?? null, payload.repository?.full_name ?? null, body, status],
    );
    const duplicate = r.rowCount === 0;
    o.log.info({ delivery, event, action: payload.action, status, duplicate }, 'webhook received');
    if (!duplicate && status === 'queued') o.onStored?.(delivery);
    return c.json({ delivery, status, duplicate }, 202);
  });
}
