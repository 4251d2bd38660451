// Refused requests (401, 403) go to the audit log with who, what and why — at most a few per
// caller and minute, so that a flood of bad requests cannot flood the log: past the limit
// they are counted, and the next entry that is written says how many were left out.

export interface Denial {
  /** Who asked: a principal's name, or "anonymous" with the address when unauthenticated. */
  actor: string;
  workspace: string | null;
  method: string;
  path: string;
  status: 401 | 403;
  reason: string;
}

export class DenialAudit {
  private readonly windows = new Map<string, { start: number; written: number; suppressed: number }>();

  constructor(
    private readonly write: (d: Denial, suppressed: number) => Promise<void>,
    private readonly perMinute = 10,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a denial unless the caller is over its limit; never throws (a refusal is answered either way). */
  async record(d: Denial): Promise<void> {
    const t = this.now();
    let w = this.windows.get(d.actor);
    if (!w || t - w.start >= 60_000) {
      const suppressed = w?.suppressed ?? 0;
      w = { start: t, written: 0, suppressed };
      this.windows.set(d.actor, w);
      // Forget idle callers: the map holds at most the callers of the last minute.
      if (this.windows.size > 10_000) for (const [k, v] of this.windows) if (t - v.start >= 60_000) this.windows.delete(k);
    }
    if (w.written >= this.perMinute) {
      w.suppressed++;
      return;
    }
    w.written++;
    const suppressed = w.suppressed;
    w.suppressed = 0;
    await this.write(d, suppressed).catch(() => {});
  }
}
