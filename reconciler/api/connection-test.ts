// Tests a connection from the server, with its secret references resolved here. The result
// never carries a secret: any resolved value is masked in messages before they leave.
import { existsSync, statSync } from 'node:fs';
import pg from 'pg';
import { resolveSecret } from '../executors/extract.js';

export interface ConnectionTestResult {
  ok: boolean;
  message: string;
  ms: number;
}

export async function testConnection(type: string, config: Record<string, unknown>, env: NodeJS.ProcessEnv): Promise<ConnectionTestResult> {
  const started = performance.now();
  const secrets: string[] = [];
  const secret = (ref: unknown, field: string) => {
    const v = resolveSecret(ref, env, field);
    if (v) secrets.push(v);
    return v;
  };
  const done = (ok: boolean, message: string): ConnectionTestResult => {
    let m = message;
    for (const s of secrets) if (s.length > 0) m = m.split(s).join('***');
    return { ok, message: m, ms: Math.round(performance.now() - started) };
  };
  try {
    switch (type) {
      case 'postgres': {
        const client = new pg.Client({
          host: String(config.host ?? 'localhost'),
          port: Number(config.port ?? 5432),
          database: String(config.database ?? 'postgres'),
          user: String(config.user ?? 'postgres'),
          password: secret(config.password, 'password'),
          connectionTimeoutMillis: 5_000,
        });
        client.on('error', () => {});
        try {
          await client.connect();
          const r = await client.query('SELECT version() AS v');
          return done(true, `connected: ${String(r.rows[0]?.v).split(' ').slice(0, 2).join(' ')}`);
        } finally {
          await client.end().catch(() => {});
        }
      }
      case 'trino': {
        const url = `http://${String(config.host ?? 'localhost')}:${Number(config.port ?? 8080)}/v1/info`;
        const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
        const info = (await res.json()) as { nodeVersion?: { version?: string }; starting?: boolean };
        return done(res.ok && !info.starting, `Trino ${info.nodeVersion?.version ?? '?'}${info.starting ? ' (starting)' : ''}`);
      }
      case 'files': {
        const path = String(config.path ?? '.');
        if (!existsSync(path)) return done(false, `${path} does not exist on the server`);
        return done(statSync(path).isDirectory(), `${path} is ${statSync(path).isDirectory() ? 'a readable folder' : 'not a folder'}`);
      }
      default:
        return done(false, `testing ${type} connections from the server is not supported yet`);
    }
  } catch (e) {
    return done(false, (e as Error).message);
  }
}
