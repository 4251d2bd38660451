// The state store's first schema. Runs unchanged on PGlite and PostgreSQL. Never edit a
// released migration: add a new numbered one (the runner refuses a changed checksum).
export const sql = /* sql */ `
-- Workspaces and what belongs to them --------------------------------------------------------
CREATE TABLE workspaces (
  id          text PRIMARY KEY,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Connections: configuration and secret *references* only. Values never reach the store.
CREATE TABLE connections (
  workspace_id text NOT NULL REFERENCES workspaces(id),
  environment  text NOT NULL,
  name         text NOT NULL,
  type         text NOT NULL,
  config       jsonb NOT NULL,
  secret_refs  jsonb NOT NULL DEFAULT '{}'::jsonb,
  fingerprint  text NOT NULL,
  deployment_id uuid,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, environment, name)
);

-- The dataset catalog as last applied.
CREATE TABLE datasets (
  workspace_id  text NOT NULL REFERENCES workspaces(id),
  environment   text NOT NULL,
  name          text NOT NULL,
  physical_name text NOT NULL,
  owner         text,
  layer         text NOT NULL,
  format        text NOT NULL,
  location      text,
  tags          jsonb NOT NULL DEFAULT '[]'::jsonb,
  schema        jsonb NOT NULL,
  fingerprint   text NOT NULL,
  deployment_id uuid,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, environment, name)
);

-- Pipelines as last applied (their compiled plans are artifacts).
CREATE TABLE pipelines (
  workspace_id  text NOT NULL REFERENCES workspaces(id),
  environment   text NOT NULL,
  name          text NOT NULL,
  engine        text NOT NULL,
  fingerprint   text NOT NULL,
  artifact_sha256 text,
  deployment_id uuid,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, environment, name)
);

CREATE TABLE deployments (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id  text NOT NULL REFERENCES workspaces(id),
  environment   text NOT NULL,
  git_sha       text NOT NULL,
  manifest_hash text NOT NULL,
  spec_hash     text NOT NULL,
  engine        text NOT NULL,
  status        text NOT NULL CHECK (status IN ('applying', 'applied', 'failed')),
  requester     text NOT NULL,
  stages        jsonb NOT NULL,
  error         text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz
);
CREATE INDEX deployments_env ON deployments (workspace_id, environment, created_at DESC);

-- One apply at a time per table: a row per held lock, with an expiry so a crashed holder
-- cannot block forever.
CREATE TABLE apply_locks (
  workspace_id text NOT NULL,
  environment  text NOT NULL,
  table_name   text NOT NULL,
  holder       text NOT NULL,
  expires_at   timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, environment, table_name)
);

-- Runs, phases, events, artifacts ---------------------------------------------------------
CREATE TABLE runs (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id    text NOT NULL REFERENCES workspaces(id),
  environment     text NOT NULL,
  spec_slug       text NOT NULL,
  git_sha         text NOT NULL,
  trigger         text NOT NULL,
  requester       text NOT NULL,
  status          text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  input_manifest  jsonb NOT NULL DEFAULT '{}'::jsonb,
  output_manifest jsonb,
  rerun_of        uuid REFERENCES runs(id),
  error           text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  started_at      timestamptz,
  finished_at     timestamptz
);
CREATE INDEX runs_recent ON runs (workspace_id, created_at DESC);

CREATE TABLE phases (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  run_id           uuid NOT NULL REFERENCES runs(id),
  workspace_id     text NOT NULL,
  position         integer NOT NULL,
  name             text NOT NULL,
  executor         text NOT NULL,
  depends_on       integer[] NOT NULL DEFAULT '{}',
  input            jsonb NOT NULL DEFAULT '{}'::jsonb,
  status           text NOT NULL CHECK (status IN ('blocked', 'queued', 'running', 'succeeded', 'failed', 'cancelled', 'skipped')),
  attempts         integer NOT NULL DEFAULT 0,
  max_attempts     integer NOT NULL DEFAULT 1,
  timeout_seconds  integer NOT NULL,
  lease_token      uuid,
  lease_expires_at timestamptz,
  heartbeat_at     timestamptz,
  available_at     timestamptz NOT NULL DEFAULT now(),
  worker           text,
  started_at       timestamptz,
  finished_at      timestamptz,
  error            text,
  output           jsonb,
  UNIQUE (run_id, position)
);
-- The claim query scans queued phases by availability; keep that index small.
CREATE INDEX phases_runnable ON phases (available_at) WHERE status = 'queued';
CREATE INDEX phases_leased ON phases (lease_expires_at) WHERE status = 'running';

CREATE TABLE run_events (
  seq          bigserial PRIMARY KEY,
  event_id     text NOT NULL UNIQUE,
  run_id       uuid NOT NULL REFERENCES runs(id),
  workspace_id text NOT NULL,
  phase        text,
  at           timestamptz NOT NULL DEFAULT now(),
  level        text NOT NULL CHECK (level IN ('debug', 'info', 'warn', 'error')),
  type         text NOT NULL,
  message      text NOT NULL,
  payload      jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX run_events_run ON run_events (run_id, seq);

-- Content-addressed and immutable: the same bytes are stored once and shared between runs.
CREATE TABLE artifacts (
  sha256     text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  bytes      bigint NOT NULL,
  media_type text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE run_artifacts (
  run_id       uuid NOT NULL REFERENCES runs(id),
  workspace_id text NOT NULL,
  phase        text NOT NULL DEFAULT '',
  name         text NOT NULL,
  kind         text NOT NULL,
  sha256       text NOT NULL REFERENCES artifacts(sha256),
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, phase, name)
);

-- People, tokens, audit ------------------------------------------------------------------
CREATE TABLE users (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username      text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  role          text NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
  workspace_id  text REFERENCES workspaces(id),
  disabled      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_tokens (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name         text NOT NULL,
  token_hash   text NOT NULL UNIQUE,
  role         text NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
  workspace_id text REFERENCES workspaces(id),
  user_id      uuid REFERENCES users(id),
  expires_at   timestamptz,
  revoked_at   timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE audit_log (
  seq          bigserial PRIMARY KEY,
  at           timestamptz NOT NULL DEFAULT now(),
  actor        text NOT NULL,
  workspace_id text,
  action       text NOT NULL,
  target       text NOT NULL,
  details      jsonb NOT NULL DEFAULT '{}'::jsonb
);

-- Append-only tables refuse UPDATE and DELETE, whoever asks.
CREATE FUNCTION lakespec_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = '42501';
END $$;
CREATE TRIGGER run_events_append_only BEFORE UPDATE OR DELETE ON run_events FOR EACH ROW EXECUTE FUNCTION lakespec_append_only();
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION lakespec_append_only();
CREATE TRIGGER artifacts_immutable BEFORE UPDATE ON artifacts FOR EACH ROW EXECUTE FUNCTION lakespec_append_only();

-- Row-level security: requests scoped to one workspace run as lakespec_scoped with
-- lakespec.workspace set, and see only that workspace's rows. The reconciler's own
-- processes (workers, migrations) run as the owner.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lakespec_scoped') THEN
    CREATE ROLE lakespec_scoped NOLOGIN;
  END IF;
END $$;
GRANT lakespec_scoped TO CURRENT_USER;
GRANT USAGE ON SCHEMA public TO lakespec_scoped;
GRANT SELECT ON workspaces, artifacts TO lakespec_scoped;
GRANT SELECT, INSERT, UPDATE ON connections, datasets, pipelines, deployments, runs, phases, run_artifacts TO lakespec_scoped;
GRANT SELECT, INSERT ON run_events, audit_log TO lakespec_scoped;
GRANT INSERT ON artifacts TO lakespec_scoped;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO lakespec_scoped;
`;

/** Tables isolated per workspace; each gets the same policy. */
export const RLS_TABLES = ['connections', 'datasets', 'pipelines', 'deployments', 'runs', 'phases', 'run_events', 'run_artifacts', 'audit_log'];

export const rlsSql = RLS_TABLES.map(
  (t) => `ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY;
CREATE POLICY ${t}_workspace ON ${t} TO lakespec_scoped
  USING (workspace_id = current_setting('lakespec.workspace', true))
  WITH CHECK (workspace_id = current_setting('lakespec.workspace', true));`,
).join('\n');
