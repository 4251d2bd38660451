// What the GitHub App keeps beyond deliveries: installations (from installation events), the
// check runs it created (so a retried phase updates its check run instead of creating a
// second one), and per repository and environment the head that merges apply to: which
// commit was applied last, and who holds the right to apply next (merges are applied one
// after the other, and an older commit never overwrites a newer one).
export const sql = /* sql */ `
CREATE TABLE github_installations (
  installation_id bigint PRIMARY KEY,
  account         text NOT NULL,
  repositories    jsonb NOT NULL DEFAULT '[]',
  suspended       boolean NOT NULL DEFAULT false,
  deleted         boolean NOT NULL DEFAULT false,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE github_check_runs (
  repository   text NOT NULL,
  head_sha     text NOT NULL,
  name         text NOT NULL,
  run_id       uuid NOT NULL,
  check_run_id bigint NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (repository, head_sha, name, run_id)
);
CREATE TABLE github_apply_heads (
  repository       text NOT NULL,
  environment      text NOT NULL,
  applied_sha      text,
  applied_at       timestamptz,
  holder           text,
  lease_expires_at timestamptz,
  PRIMARY KEY (repository, environment)
);
`;
