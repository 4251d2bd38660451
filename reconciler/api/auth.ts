// Who is calling: API tokens (random, stored as sha256) and local users (passwords hashed
// with scrypt, a memory-hard function, N=2^15 r=8 p=1 ≈ 32 MiB per hash). Roles are ordered
// viewer < operator < admin; a principal may be limited to one workspace.
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { credentials } from '../state/credentials.js';
import type { Db } from '../state/db.js';

const scrypt = promisify(scryptCb) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  kind: 'token' | 'user';
  id: string;
  name: string;
  role: Role;
  /** null: every workspace. */
  workspace: string | null;
}

export function roleAtLeast(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, 32, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const got = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: SCRYPT.maxmem });
  return got.length === expected.length && timingSafeEqual(got, expected);
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class Auth {
  // A dummy hash so that an unknown user costs as much as a wrong password (no user enumeration by timing).
  private dummy: Promise<string> | undefined;

  constructor(private readonly db: Db) {}

  async createUser(username: string, password: string, role: Role, workspace: string | null = null): Promise<string> {
    if (password.length < 12) throw new Error('passwords need at least 12 characters');
    return credentials.addUser(this.db, { username, passwordHash: await hashPassword(password), role, workspace });
  }

  /** Returns the token once; only its hash is stored. */
  async createToken(name: string, role: Role, options: { workspace?: string | null; userId?: string; expiresInSeconds?: number } = {}): Promise<{ id: string; token: string }> {
    const token = `lks_${randomBytes(32).toString('base64url')}`;
    const id = await credentials.addToken(this.db, { name, tokenHash: tokenHash(token), role, workspace: options.workspace ?? null, userId: options.userId ?? null, expiresInSeconds: options.expiresInSeconds ?? null });
    return { id, token };
  }

  /** How many tokens and users exist (a server with none cannot be used yet). */
  async credentialCount(): Promise<number> {
    return credentials.count(this.db);
  }

  async revokeToken(id: string): Promise<boolean> {
    return credentials.revokeToken(this.db, id);
  }

  /** The principal behind an Authorization header, or undefined (expired, revoked, wrong, missing). */
  async authenticate(header: string | undefined): Promise<Principal | undefined> {
    if (!header) return undefined;
    const [scheme, value] = header.split(' ', 2);
    if (!value) return undefined;
    if (scheme?.toLowerCase() === 'bearer') {
      const t = await credentials.tokenByHash(this.db, tokenHash(value));
      return t ? { kind: 'token', id: t.id, name: `token:${t.name}`, role: t.role as Role, workspace: t.workspace_id } : undefined;
    }
    if (scheme?.toLowerCase() === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i < 0) return undefined;
      const [username, password] = [decoded.slice(0, i), decoded.slice(i + 1)];
      const u = await credentials.userByName(this.db, username);
      if (!u) {
        this.dummy ??= hashPassword('not-a-real-password');
        await verifyPassword(password, await this.dummy);
        return undefined;
      }
      if (u.disabled || !(await verifyPassword(password, u.password_hash))) return undefined;
      return { kind: 'user', id: u.id, name: `user:${u.username}`, role: u.role as Role, workspace: u.workspace_id };
    }
    return undefined;
  }
}
