// Deliveries GitHub could not make (the app was down, or answered with an error) are not
// retried by GitHub. On start and periodically the app lists its recent deliveries
// (GET /app/hook/deliveries), and asks GitHub to redeliver each one that never succeeded and
// is not stored here (POST /app/hook/deliveries/{id}/attempts).
import { type Db, githubDeliveries } from '../reconciler/index.js';
import type { AppLog } from './app-context.js';
import type { GitHubClient } from './github-client.js';

export interface RedeliveryResult {
  /** Distinct deliveries (by GUID) looked at. */
  checked: number;
  redelivered: string[];
}

interface HookDelivery {
  id: number;
  guid: string;
  delivered_at: string;
  status_code: number;
  event: string;
}

export class Redeliverer {
  // A redelivery takes a moment to arrive: do not ask twice for the same one meanwhile.
  private readonly asked = new Map<string, number>();

  constructor(
    private readonly github: GitHubClient,
    private readonly db: Db,
    private readonly log: AppLog,
    /** How far back to look (GitHub keeps deliveries for three days). */
    private readonly windowMs = 24 * 3600_000,
  ) {}

  async run(): Promise<RedeliveryResult> {
    const since = Date.now() - this.windowMs;
    const byGuid = new Map<string, HookDelivery[]>();
    const api = this.github.app();
    for await (const page of api.paginate.iterator(api.rest.apps.listWebhookDeliveries, { per_page: 100 })) {
      let older = false;
      for (const d of page.data as HookDelivery[]) {
        if (Date.parse(d.delivered_at) < since) {
          older = true;
          continue;
        }
        const list = byGuid.get(d.guid) ?? [];
        list.push(d);
        byGuid.set(d.guid, list);
      }
      // Newest first: once a page reaches past the window, the rest is older still.
      if (older) break;
    }
    const failed = [...byGuid.entries()].filter(([, attempts]) => !attempts.some((a) => a.status_code >= 200 && a.status_code < 300));
    const redelivered: string[] = [];
    if (failed.length > 0) {
      const stored = await githubDeliveries.stored(this.db, failed.map(([g]) => g));
      for (const [guid, attempts] of failed) {
        if (stored.has(guid)) continue; // it did arrive (GitHub saw a timeout, say): nothing is missing
        const asked = this.asked.get(guid);
        if (asked && Date.now() - asked < 10 * 60_000) continue;
        const latest = attempts.reduce((a, b) => (Date.parse(b.delivered_at) > Date.parse(a.delivered_at) || b.id > a.id ? b : a));
        await api.rest.apps.redeliverWebhookDelivery({ delivery_id: latest.id });
        this.asked.set(guid, Date.now());
        redelivered.push(guid);
        this.log('info', 'asked GitHub to redeliver a missed delivery', { delivery: guid, event: latest.event, attempts: attempts.length });
      }
    }
    for (const [g, t] of this.asked) if (Date.now() - t > 3600_000) this.asked.delete(g);
    return { checked: byGuid.size, redelivered };
  }
}
