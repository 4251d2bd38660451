// What is applied, as the caller's workspace sees it: artifacts, deployments and their plans,
// workspaces, datasets and connections (secret references only), and testing a connection.
import { isUuid } from '../state/run-reads.js';
import { opsReads } from '../state/ops-reads.js';
import { testConnection } from './connection-test.js';
import { HttpError, type OpsKit } from './ops-kit.js';

export function catalogRoutes(k: OpsKit): void {
  const { route, audit, scopeWorkspace, param, o } = k;
  route('get', '/api/v1/artifacts/:sha256', 'viewer', 'an artifact\'s bytes', async (c, p, s) => {
    const sha = param(c, 'sha256');
    if (!/^[0-9a-f]{64}$/.test(sha)) throw new HttpError(400, 'not a sha256 digest');
    const mediaType = await opsReads.artifactMediaType(s.db, sha, p.workspace);
    const bytes = mediaType ? await o.state.artifacts.get(sha) : undefined;
    if (!mediaType || !bytes) throw new HttpError(404, `no artifact ${sha}`);
    return c.body(Buffer.from(bytes), 200, { 'Content-Type': mediaType, ETag: `"${sha}"`, 'Cache-Control': 'public, max-age=31536000, immutable' });
  });
  route('get', '/api/v1/deployments', 'viewer', 'deployments (newest first)', async (c, p, s) => {
    return c.json({ deployments: await s.catalog.deployments(scopeWorkspace(p, c.req.query('workspace')), Math.min(1000, Number(c.req.query('limit') ?? 50) || 50)) });
  });
  route('get', '/api/v1/deployments/:id/plan', 'viewer', 'the plan (stages) a deployment applied', async (c, p, s) => {
    const id = param(c, 'id');
    const d = isUuid(id) ? await opsReads.deployment(s.db, id) : undefined;
    if (!d || (p.workspace !== null && d.workspace_id !== p.workspace)) throw new HttpError(404, `no deployment ${id}`);
    return c.json({ deployment: id, workspace: d.workspace_id, environment: d.environment, git_sha: d.git_sha, status: d.status, stages: d.stages });
  });
  route('get', '/api/v1/workspaces', 'viewer', 'workspaces', async (c, p, s) => {
    return c.json({ workspaces: await opsReads.workspaces(s.db, p.workspace) });
  });
  route('get', '/api/v1/datasets', 'viewer', 'the dataset catalog as applied', async (c, p, s) => {
    const ws = scopeWorkspace(p, c.req.query('workspace'));
    return c.json({ datasets: await opsReads.datasets(s.db, ws ?? null, c.req.query('environment') ?? null) });
  });
  route('get', '/api/v1/connections', 'viewer', 'connections (secret references only)', async (c, p, s) => {
    const ws = scopeWorkspace(p, c.req.query('workspace'));
    return c.json({ connections: await opsReads.connections(s.db, ws ?? null) });
  });
  route('post', '/api/v1/connections/:workspace/:environment/:name/test', 'operator', 'test a connection with its secrets resolved here', async (c, p, s) => {
    const ws = scopeWorkspace(p, param(c, 'workspace'))!;
    const row = await opsReads.connection(s.db, ws, param(c, 'environment'), param(c, 'name'));
    if (!row) throw new HttpError(404, `no connection ${param(c, 'name')} in ${ws}/${param(c, 'environment')}`);
    const result = await testConnection(row.type, row.config, o.env ?? process.env);
    await audit(p, ws, 'connection.test', `${ws}/${param(c, 'environment')}/${param(c, 'name')}`, { ok: result.ok });
    return c.json(result);
  });
}
