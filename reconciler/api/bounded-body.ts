// Reading a request body within bounds: the bytes that actually arrive are counted (a
// chunked body declares no length, and a declared one can lie), reading stops at the limit
// (413), a body that does not arrive in time is refused (408), and only so many bodies are
// read at once before anyone is known to be who they say (503): an unauthenticated sender
// cannot make the server hold more than limit × concurrency bytes.

export interface BodyLimits {
  /** Most bytes read (GitHub's webhook payloads are at most 25 MB). */
  maxBytes: number;
  /** The whole body must have arrived within this long. */
  timeoutMs: number;
}

export type BodyResult = { ok: true; bytes: Buffer } | { ok: false; status: 408 | 413 | 503; error: string };

/** A count of bodies being read; `tryEnter` fails when `max` are under way. */
export class BodySlots {
  private inUse = 0;
  constructor(readonly max: number) {}
  tryEnter(): boolean {
    if (this.inUse >= this.max) return false;
    this.inUse++;
    return true;
  }
  leave(): void {
    this.inUse--;
  }
}

export async function readBoundedBody(req: Request, limits: BodyLimits, slots?: BodySlots): Promise<BodyResult> {
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limits.maxBytes) return { ok: false, status: 413, error: `the body is larger than ${limits.maxBytes} bytes` };
  if (!req.body) return { ok: true, bytes: Buffer.alloc(0) };
  if (slots && !slots.tryEnter()) return { ok: false, status: 503, error: 'too many requests are sending bodies; try again shortly' };
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), limits.timeoutMs)));
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), late]);
      if (next === 'late') {
        void reader.cancel().catch(() => {});
        return { ok: false, status: 408, error: `the body did not arrive within ${Math.round(limits.timeoutMs / 1000)} s` };
      }
      if (next.done) break;
      total += next.value.byteLength;
      if (total > limits.maxBytes) {
        void reader.cancel().catch(() => {});
        return { ok: false, status: 413, error: `the body is larger than ${limits.maxBytes} bytes` };
      }
      chunks.push(next.value);
    }
    return { ok: true, bytes: Buffer.concat(chunks, total) };
  } finally {
    clearTimeout(timer);
    slots?.leave();
  }
}
