// The GitHub App's deliveries and installations as stored. A delivery is stored once by its
// id; the sha256 of its signed content is unique too, so a replay under a new id is known.
// Every method takes the Queryable it runs on: the receiver stores a delivery and queues its
// run in one transaction.
import type { Queryable } from './db.js';

export type DeliveryStatus = 'queued' | 'ignored' | 'processing' | 'done' | 'failed';

export interface NewDelivery {
  deliveryId: string;
  event: string;
  action: string | null;
  installationId: number | null;
  repository: string | null;
  /** The body as received. */
  payload: string;
  status: 'queued' | 'ignored';
  payloadSha256: string;
}

export const githubDeliveries = {
  /** Stores a new delivery: 'stored', or why not ('duplicate': this id is stored; 'replayed': this content under another id). */
  async store(q: Queryable, d: NewDelivery): Promise<'stored' | 'duplicate' | 'replayed'> {
    const r = await q.query(
      `INSERT INTO github_deliveries (delivery_id, event, action, installation_id, repository, payload, status, payload_sha256)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
      [d.deliveryId, d.event, d.action, d.installationId, d.repository, d.payload, d.status, d.payloadSha256],
    );
    if (r.rowCount > 0) return 'stored';
    const same = (await q.query<{ delivery_id: string }>('SELECT delivery_id FROM github_deliveries WHERE delivery_id = $1', [d.deliveryId])).rows[0];
    return same ? 'duplicate' : 'replayed';
  },

  /** Marks a delivery as being worked on (one more attempt) and returns what it holds. */
  async startProcessing(q: Queryable, deliveryId: string): Promise<{ event: string; payload: Record<string, unknown> | string } | undefined> {
    return (await q.query<{ event: string; payload: Record<string, unknown> | string }>("UPDATE github_deliveries SET status = 'processing', attempts = attempts + 1 WHERE delivery_id = $1 RETURNING event, payload", [deliveryId])).rows[0];
  },

  /** Done, with an optional note (why nothing was done: a ping, a stale payload). */
  async done(q: Queryable, deliveryId: string, note: string | null = null): Promise<void> {
    await q.query("UPDATE github_deliveries SET status = 'done', error = $2, processed_at = now() WHERE delivery_id = $1", [deliveryId, note]);
  },

  /** An attempt failed: 'failed' for good after the last one, else still 'processing' (the queue retries). */
  async attemptFailed(q: Queryable, deliveryId: string, last: boolean, error: string): Promise<void> {
    await q.query(`UPDATE github_deliveries SET status = $2, error = $3, processed_at = CASE WHEN $2 = 'failed' THEN now() ELSE processed_at END WHERE delivery_id = $1`, [deliveryId, last ? 'failed' : 'processing', error.slice(0, 2000)]);
  },

  /** Which of these delivery ids are stored. */
  async stored(q: Queryable, deliveryIds: readonly string[]): Promise<Set<string>> {
    return new Set((await q.query<{ delivery_id: string }>('SELECT delivery_id FROM github_deliveries WHERE delivery_id = ANY($1::text[])', [[...deliveryIds]])).rows.map((r) => r.delivery_id));
  },

  /** An installation's account and repositories as its latest event says (repositories removed are dropped). */
  async recordInstallation(q: Queryable, i: { id: number; account: string; repositories: string[]; removed: string[]; suspended: boolean; deleted: boolean }): Promise<void> {
    await q.query(
      `INSERT INTO github_installations (installation_id, account, repositories, suspended, deleted) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (installation_id) DO UPDATE SET account = EXCLUDED.account,
         repositories = (SELECT coalesce(jsonb_agg(DISTINCT x), '[]') FROM jsonb_array_elements_text(github_installations.repositories || EXCLUDED.repositories) x WHERE NOT (x = ANY($6::text[]))),
         suspended = EXCLUDED.suspended, deleted = EXCLUDED.deleted, updated_at = now()`,
      [i.id, i.account, JSON.stringify(i.repositories), i.suspended, i.deleted, i.removed],
    );
  },
};
