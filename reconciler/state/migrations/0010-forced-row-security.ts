// Row-level security that holds for everyone, the tables' owner included (FORCE), on every
// table the ops API and the workers touch. The application's sessions run as lakespec_scoped
// with lakespec.workspace set per request and per claim (state/scoped-db.ts): a workspace id
// sees that workspace's rows, '*' (the reconciler itself, credentials not limited to one
// workspace) sees all, and a session that set nothing sees nothing. The GitHub App's own
// bookkeeping belongs to no workspace and is seen only with '*'. Superusers bypass RLS
// whatever is forced: run lakespec as an ordinary role that owns its schema.
import { RLS_TABLES } from './0001-initial-schema.js';

/** Tables whose rows belong to one workspace (by workspace_id). */
export const WORKSPACE_TABLES = [...RLS_TABLES, 'apply_locks', 'users', 'api_tokens'];
/** The GitHub App's tables: system-wide. */
export const SYSTEM_TABLES = ['github_deliveries', 'github_installations', 'github_check_runs', 'github_apply_heads'];

const drops = RLS_TABLES.map((t) => `DROP POLICY ${t}_workspace ON ${t};`).join('\n');
const perWorkspace = WORKSPACE_TABLES.map(
  (t) => `ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY;
ALTER TABLE ${t} FORCE ROW LEVEL SECURITY;
CREATE POLICY ${t}_workspace ON ${t} USING (lakespec_sees(workspace_id)) WITH CHECK (lakespec_sees(workspace_id));`,
).join('\n');
const system = SYSTEM_TABLES.map(
  (t) => `ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY;
ALTER TABLE ${t} FORCE ROW LEVEL SECURITY;
CREATE POLICY ${t}_system ON ${t} USING (lakespec_sees_all()) WITH CHECK (lakespec_sees_all());`,
).join('\n');

export const sql = /* sql */ `
CREATE FUNCTION lakespec_sees_all() RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT coalesce(current_setting('lakespec.workspace', true) = '*', false)
$$;
CREATE FUNCTION lakespec_sees(ws text) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT coalesce(current_setting('lakespec.workspace', true) = '*' OR ws = current_setting('lakespec.workspace', true), false)
$$;

${drops}
${perWorkspace}
${system}

ALTER TABLE workspaces ENABLE ROW LEVEL SECURITY;
ALTER TABLE workspaces FORCE ROW LEVEL SECURITY;
CREATE POLICY workspaces_workspace ON workspaces USING (lakespec_sees(id)) WITH CHECK (lakespec_sees(id));

-- Content-addressed bytes are shared between runs and workspaces, and their rows hold only a
-- digest, a size and a media type: any session may read and add them (INSERT … ON CONFLICT
-- checks the new row against the read policy, so a narrower one would refuse bytes another
-- workspace stored first). What ties bytes to a workspace is run_artifacts, isolated like the
-- rest, and the API serves bytes only through a link of the caller's workspace.
ALTER TABLE artifacts ENABLE ROW LEVEL SECURITY;
ALTER TABLE artifacts FORCE ROW LEVEL SECURITY;
CREATE POLICY artifacts_shared ON artifacts USING (true) WITH CHECK (true);

-- What the application's role may do at all; no TRUNCATE, no DDL, no DELETE where history is kept.
GRANT SELECT, INSERT ON workspaces, artifacts, run_events, audit_log TO lakespec_scoped;
GRANT SELECT, INSERT, UPDATE ON deployments, runs, phases, run_artifacts, users, api_tokens TO lakespec_scoped;
GRANT SELECT, INSERT, UPDATE, DELETE ON connections, datasets, pipelines, apply_locks TO lakespec_scoped;
GRANT SELECT, INSERT, UPDATE ON github_deliveries, github_installations, github_check_runs, github_apply_heads TO lakespec_scoped;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO lakespec_scoped;
GRANT EXECUTE ON FUNCTION lakespec_sees(text), lakespec_sees_all() TO lakespec_scoped;
`;
