// The applied state: datasets, pipelines and connections as last applied per workspace and
// environment, the deployments that applied them, the per-table apply locks and the audit
// log. The planner only reads from here; apply writes.
import type { CatalogState, ConnectionState, DesiredState, PipelineState, TableState } from '../plan/catalog-state.js';
import { qualified } from '../plan/catalog-state.js';
import type { Plan } from '../plan/planner.js';
import { type Db, type Queryable, StoreError } from './db.js';

export interface Deployment {
  id: string;
  workspace_id: string;
  environment: string;
  git_sha: string;
  manifest_hash: string;
  spec_hash: string;
  engine: string;
  status: 'applying' | 'applied' | 'failed';
  /** Whether the environment was protected by the specs this deployment applied. */
  protected: boolean;
  requester: string;
  stages: unknown;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

interface DatasetRow {
  name: string;
  physical_name: string;
  owner: string | null;
  layer: string;
  format: string;
  tags: string[];
  schema: Omit<TableState, 'name' | 'owner' | 'layer' | 'format' | 'tags' | 'fingerprint'>;
  fingerprint: string;
}

export class CatalogStore {
  constructor(readonly db: Db) {}

  async ensureWorkspace(q: Queryable, workspace: string): Promise<void> {
    await q.query('INSERT INTO workspaces (id) VALUES ($1) ON CONFLICT (id) DO NOTHING', [workspace]);
  }

  async applied(workspace: string, environment: string, q: Queryable = this.db): Promise<CatalogState> {
    const tables = (await q.query<DatasetRow>('SELECT name, physical_name, owner, layer, format, tags, schema, fingerprint FROM datasets WHERE workspace_id = $1 AND environment = $2 ORDER BY name', [workspace, environment])).rows.map(
      (r): TableState => ({ name: r.name, layer: r.layer, format: 'iceberg', tags: r.tags, ...(r.owner ? { owner: r.owner } : {}), ...r.schema, fingerprint: r.fingerprint }),
    );
    const pipelines = (await q.query<PipelineState>('SELECT name, engine, fingerprint FROM pipelines WHERE workspace_id = $1 AND environment = $2 ORDER BY name', [workspace, environment])).rows;
    const connections = (await q.query<ConnectionState>('SELECT name, type, config, fingerprint FROM connections WHERE workspace_id = $1 AND environment = $2 ORDER BY name', [workspace, environment])).rows;
    return { tables, pipelines, connections };
  }

  async latestDeployment(workspace: string, environment: string, status: Deployment['status'] = 'applied'): Promise<Deployment | undefined> {
    return (
      await this.db.query<Deployment>('SELECT * FROM deployments WHERE workspace_id = $1 AND environment = $2 AND status = $3 ORDER BY created_at DESC, id LIMIT 1', [workspace, environment, status])
    ).rows[0];
  }

  async deployments(workspace: string | undefined, limit = 50): Promise<Deployment[]> {
    return (await this.db.query<Deployment>('SELECT * FROM deployments WHERE ($1::text IS NULL OR workspace_id = $1) ORDER BY created_at DESC, id LIMIT $2', [workspace ?? null, limit])).rows;
  }

  /**
   * Takes the apply lock of every table a plan touches, or none: a table being applied by
   * someone else (and not expired) is a conflict. Locks are rows with an expiry, so a
   * crashed holder blocks for at most `ttlSeconds`.
   */
  async lockTables(workspace: string, environment: string, tables: readonly string[], holder: string, ttlSeconds = 900): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (const t of [...new Set(tables)].sort()) {
        const r = await tx.query<{ holder: string }>(
          `INSERT INTO apply_locks (workspace_id, environment, table_name, holder, expires_at) VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))
           ON CONFLICT (workspace_id, environment, table_name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
             WHERE apply_locks.expires_at < now() OR apply_locks.holder = EXCLUDED.holder
           RETURNING holder`,
          [workspace, environment, t, holder, ttlSeconds],
        );
        if (r.rowCount === 0) {
          const other = (await tx.query<{ holder: string }>('SELECT holder FROM apply_locks WHERE workspace_id = $1 AND environment = $2 AND table_name = $3', [workspace, environment, t])).rows[0];
          throw new StoreError('conflict', `table ${t} is being applied by ${other?.holder ?? 'another apply'}; try again when it finishes`);
        }
      }
    });
  }

  async unlockTables(workspace: string, environment: string, holder: string): Promise<void> {
    await this.db.query('DELETE FROM apply_locks WHERE workspace_id = $1 AND environment = $2 AND holder = $3', [workspace, environment, holder]);
  }

  async beginDeployment(d: { workspace: string; environment: string; gitSha: string; manifestHash: string; specHash: string; engine: string; requester: string; plan: Plan; protected: boolean }): Promise<string> {
    return this.db.transaction(async (tx) => {
      await this.ensureWorkspace(tx, d.workspace);
      const r = await tx.query<{ id: string }>(
        `INSERT INTO deployments (workspace_id, environment, git_sha, manifest_hash, spec_hash, engine, status, requester, stages, protected)
         VALUES ($1, $2, $3, $4, $5, $6, 'applying', $7, $8, $9) RETURNING id`,
        [d.workspace, d.environment, d.gitSha, d.manifestHash, d.specHash, d.engine, d.requester, JSON.stringify(d.plan.stages), d.protected],
      );
      return r.rows[0]!.id;
    });
  }

  /**
   * Records what an apply achieved. `done` names the stages that ran (all of them on
   * success); the applied state moves only for those, so a partly failed apply leaves the
   * store matching the engine and the next plan picks up the rest.
   */
  async finishDeployment(deploymentId: string, desired: DesiredState, plan: Plan, done: ReadonlySet<number>, error?: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const ws = desired.workspace;
      const env = desired.environment;
      const tables = new Map(desired.tables.map((t) => [t.name, t]));
      const touched = new Set<string>();
      const dropped = new Set<string>();
      plan.stages.forEach((s, i) => {
        if (!done.has(i)) return;
        // A renamed dataset's old record goes: its table now belongs to the new name.
        if ((s.kind === 'rename_table' || s.kind === 'copy_table') && s.renamedFrom && !tables.has(s.renamedFrom)) dropped.add(s.renamedFrom);
        if (s.kind === 'drop_table' && !tables.has(s.target)) dropped.add(s.target);
        else if (tables.has(s.target)) touched.add(s.target);
      });
      // A table is recorded at its desired state only when every stage for it ran.
      plan.stages.forEach((s, i) => {
        if (!done.has(i) && tables.has(s.target)) touched.delete(s.target);
      });
      for (const name of touched) {
        const t = tables.get(name)!;
        const schema = { physical: t.physical, description: t.description, columns: t.columns, primaryKey: t.primaryKey, partitioning: t.partitioning, storage: t.storage };
        await tx.query(
          `INSERT INTO datasets (workspace_id, environment, name, physical_name, owner, layer, format, tags, schema, fingerprint, deployment_id, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now())
           ON CONFLICT (workspace_id, environment, name) DO UPDATE SET physical_name = EXCLUDED.physical_name, owner = EXCLUDED.owner, layer = EXCLUDED.layer,
             format = EXCLUDED.format, tags = EXCLUDED.tags, schema = EXCLUDED.schema, fingerprint = EXCLUDED.fingerprint, deployment_id = EXCLUDED.deployment_id, updated_at = now()`,
          [ws, env, name, qualified(t.physical), t.owner ?? null, t.layer, t.format, JSON.stringify(t.tags), JSON.stringify(schema), t.fingerprint, deploymentId],
        );
      }
      for (const name of dropped) await tx.query('DELETE FROM datasets WHERE workspace_id = $1 AND environment = $2 AND name = $3', [ws, env, name]);
      const complete = done.size === plan.stages.length && !error;
      if (complete) {
        // Pipelines and connections carry no engine state: they follow the specs once the tables do.
        await tx.query('DELETE FROM pipelines WHERE workspace_id = $1 AND environment = $2', [ws, env]);
        for (const p of desired.pipelines) {
          await tx.query('INSERT INTO pipelines (workspace_id, environment, name, engine, fingerprint, deployment_id) VALUES ($1, $2, $3, $4, $5, $6)', [ws, env, p.name, p.engine, p.fingerprint, deploymentId]);
        }
        await tx.query('DELETE FROM connections WHERE workspace_id = $1 AND environment = $2', [ws, env]);
        for (const c of desired.connections) {
          await tx.query('INSERT INTO connections (workspace_id, environment, name, type, config, secret_refs, fingerprint, deployment_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
            ws,
            env,
            c.name,
            c.type,
            JSON.stringify(c.config),
            JSON.stringify(secretRefs(c.config)),
            c.fingerprint,
            deploymentId,
          ]);
        }
      }
      await tx.query(`UPDATE deployments SET status = $2, error = $3, finished_at = now() WHERE id = $1`, [deploymentId, complete ? 'applied' : 'failed', error ?? null]);
    });
  }

  async audit(actor: string, workspace: string | null, action: string, target: string, details: Record<string, unknown> = {}, q: Queryable = this.db): Promise<void> {
    await q.query('INSERT INTO audit_log (actor, workspace_id, action, target, details) VALUES ($1, $2, $3, $4, $5)', [actor, workspace, action, target, JSON.stringify(details)]);
  }
}

/** Paths of the secret references in a connection's settings (`{ fromEnv }`, `{ fromSecret }`, `{ fromFile }` objects). */
export function secretRefs(config: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      if ('fromEnv' in o || 'fromSecret' in o || 'fromFile' in o) out[prefix + k] = o;
      else Object.assign(out, secretRefs(o, `${prefix}${k}.`));
    }
  }
  return out;
}
