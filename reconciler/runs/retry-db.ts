// Riding out a database outage (a restart, a failover) in the calls a worker makes.
import { isTransientDbError } from '../state/db.js';

/** Retries a state-store call through a database outage (restart, failover) for up to ~60 s. */
export async function retryDb<T>(fn: () => Promise<T>, attempts = 30): Promise<T> {
  let delay = 100;
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (!isTransientDbError(e) || i >= attempts) throw e;
      await sleep(delay);
      delay = Math.min(delay * 2, 3_000);
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
