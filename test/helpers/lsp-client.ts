// A minimal Language Server Protocol client over stdio, for testing editor support with the
// real yaml-language-server.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

export class LspClient {
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, (result: unknown) => void>();
  readonly notifications: { method: string; params: unknown }[] = [];
  private readonly waiters: { method: string; test: (p: unknown) => boolean; resolve: (p: unknown) => void }[] = [];
  readonly proc: ChildProcessWithoutNullStreams;
  stderr = '';

  constructor(command: string, args: string[]) {
    this.proc = spawn(command, args, { stdio: 'pipe' });
    this.proc.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.proc.stdout.on('data', (d: Buffer) => this.onData(d));
  }

  private onData(d: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, d]);
    for (;;) {
      const sep = this.buffer.indexOf('\r\n\r\n');
      if (sep === -1) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, sep).toString())?.[1]);
      if (this.buffer.length < sep + 4 + length) return;
      const msg = JSON.parse(this.buffer.subarray(sep + 4, sep + 4 + length).toString());
      this.buffer = this.buffer.subarray(sep + 4 + length);
      this.onMessage(msg);
    }
  }

  private onMessage(msg: { id?: number; method?: string; params?: unknown; result?: unknown }): void {
    if (msg.id !== undefined && msg.method) {
      // A request from the server (configuration, registration): answer with nulls.
      const result = msg.method === 'workspace/configuration' ? ((msg.params as { items: unknown[] }).items ?? []).map(() => this.settings) : null;
      this.send({ jsonrpc: '2.0', id: msg.id, result });
      return;
    }
    if (msg.id !== undefined) {
      this.pending.get(msg.id)?.(msg.result);
      this.pending.delete(msg.id);
      return;
    }
    if (msg.method) {
      this.notifications.push({ method: msg.method, params: msg.params });
      for (const w of [...this.waiters]) {
        if (w.method === msg.method && w.test(msg.params)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(msg.params);
        }
      }
    }
  }

  settings: unknown = {};

  private send(msg: object): void {
    const body = JSON.stringify(msg);
    this.proc.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }

  request<T>(method: string, params: unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve) => {
      this.pending.set(id, resolve as (r: unknown) => void);
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  waitFor<T>(method: string, test: (p: T) => boolean, timeoutMs = 20_000): Promise<T> {
    const seen = this.notifications.find((n) => n.method === method && test(n.params as T));
    if (seen) return Promise.resolve(seen.params as T);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${method}; stderr: ${this.stderr.slice(-500)}`)), timeoutMs);
      this.waiters.push({ method, test: test as (p: unknown) => boolean, resolve: (p) => (clearTimeout(timer), resolve(p as T)) });
    });
  }

  async close(): Promise<void> {
    try {
      await Promise.race([this.request('shutdown', null), new Promise((r) => setTimeout(r, 2000))]);
      this.notify('exit', null);
    } finally {
      this.proc.kill();
    }
  }
}
