// Users and API tokens as stored: tokens by their sha256 only, passwords by their scrypt
// hash only (reconciler/api/auth.ts does the hashing and decides who may do what).
import type { Queryable } from './db.js';

export interface StoredToken {
  id: string;
  name: string;
  role: string;
  workspace_id: string | null;
}

export interface StoredUser {
  id: string;
  username: string;
  password_hash: string;
  role: string;
  workspace_id: string | null;
  disabled: boolean;
}

export const credentials = {
  async addUser(q: Queryable, u: { username: string; passwordHash: string; role: string; workspace: string | null }): Promise<string> {
    if (u.workspace) await q.query('INSERT INTO workspaces (id) VALUES ($1) ON CONFLICT DO NOTHING', [u.workspace]);
    return (await q.query<{ id: string }>('INSERT INTO users (username, password_hash, role, workspace_id) VALUES ($1, $2, $3, $4) RETURNING id', [u.username, u.passwordHash, u.role, u.workspace])).rows[0]!.id;
  },

  async addToken(q: Queryable, t: { name: string; tokenHash: string; role: string; workspace: string | null; userId: string | null; expiresInSeconds: number | null }): Promise<string> {
    if (t.workspace) await q.query('INSERT INTO workspaces (id) VALUES ($1) ON CONFLICT DO NOTHING', [t.workspace]);
    return (
      await q.query<{ id: string }>(
        `INSERT INTO api_tokens (name, token_hash, role, workspace_id, user_id, expires_at)
         VALUES ($1, $2, $3, $4, $5, CASE WHEN $6::integer IS NULL THEN NULL ELSE now() + make_interval(secs => $6::integer) END) RETURNING id`,
        [t.name, t.tokenHash, t.role, t.workspace, t.userId, t.expiresInSeconds],
      )
    ).rows[0]!.id;
  },

  async count(q: Queryable): Promise<number> {
    return (await q.query<{ n: number }>('SELECT (SELECT count(*) FROM api_tokens)::integer + (SELECT count(*) FROM users)::integer AS n')).rows[0]!.n;
  },

  async revokeToken(q: Queryable, id: string): Promise<boolean> {
    return (await q.query('UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [id])).rowCount > 0;
  },

  /** A live token by its hash (not revoked, not expired). */
  async tokenByHash(q: Queryable, hash: string): Promise<StoredToken | undefined> {
    return (await q.query<StoredToken>(`SELECT id, name, role, workspace_id FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`, [hash])).rows[0];
  },

  async userByName(q: Queryable, username: string): Promise<StoredUser | undefined> {
    return (await q.query<StoredUser>('SELECT id, username, password_hash, role, workspace_id, disabled FROM users WHERE username = $1', [username])).rows[0];
  },
};
