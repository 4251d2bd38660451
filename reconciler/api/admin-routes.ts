// Administration: the audit log, API tokens and local users (admin only; every write audited).
import { isUuid } from '../state/run-reads.js';
import { opsReads } from '../state/ops-reads.js';
import { type Role, ROLES } from './auth.js';
import { HttpError, type OpsKit } from './ops-kit.js';

export function adminRoutes(k: OpsKit): void {
  const { route, body, audit, scopeWorkspace, param, str, o } = k;
  route('get', '/api/v1/audit', 'admin', 'the audit log of the credential\'s workspace (all, for one not limited to a workspace), newest first', async (c, _p, s) => {
    return c.json({ audit: await opsReads.audit(s.db, Math.min(1000, Number(c.req.query('limit') ?? 100) || 100)) });
  });
  route('post', '/api/v1/tokens', 'admin', 'create an API token (returned once)', async (c, p) => {
    const b = await body<{ name?: string; role?: Role; workspace?: string | null; expires_in_seconds?: number }>(c);
    if (!b.role || !ROLES.includes(b.role)) throw new HttpError(400, `role must be one of ${ROLES.join(', ')}`);
    const t = await o.auth.createToken(str(b.name, 'name'), b.role, { workspace: scopeWorkspace(p, b.workspace ?? undefined) ?? null, ...(b.expires_in_seconds ? { expiresInSeconds: b.expires_in_seconds } : {}) });
    await audit(p, b.workspace ?? null, 'token.create', t.id, { name: b.name, role: b.role });
    return c.json(t, 201);
  });
  route('delete', '/api/v1/tokens/:id', 'admin', 'revoke an API token', async (c, p) => {
    const id = param(c, 'id');
    if (!isUuid(id) || !(await o.auth.revokeToken(id))) throw new HttpError(404, `no active token ${id}`);
    await audit(p, null, 'token.revoke', id);
    return c.json({ revoked: id });
  });
  route('post', '/api/v1/users', 'admin', 'create a local user', async (c, p) => {
    const b = await body<{ username?: string; password?: string; role?: Role; workspace?: string | null }>(c);
    if (!b.role || !ROLES.includes(b.role)) throw new HttpError(400, `role must be one of ${ROLES.join(', ')}`);
    let id: string;
    try {
      id = await o.auth.createUser(str(b.username, 'username'), str(b.password, 'password', 1000), b.role, scopeWorkspace(p, b.workspace ?? undefined) ?? null);
    } catch (e) {
      if (/unique/i.test((e as Error).message)) throw new HttpError(409, `user ${b.username} exists`);
      if (/at least 12/.test((e as Error).message)) throw new HttpError(400, (e as Error).message);
      throw e;
    }
    await audit(p, b.workspace ?? null, 'user.create', id, { username: b.username, role: b.role });
    return c.json({ id }, 201);
  });
}
