// GitHub webhook deliveries, persisted by their X-GitHub-Delivery id before they are
// acknowledged: a redelivery or duplicate finds its row and creates nothing new. The GitHub
// App (github-app/) writes and works through them; the state store owns every table.
export const sql = /* sql */ `
CREATE TABLE github_deliveries (
  delivery_id     text PRIMARY KEY,
  event           text NOT NULL,
  action          text,
  installation_id bigint,
  repository      text,
  payload         jsonb NOT NULL,
  status          text NOT NULL CHECK (status IN ('queued', 'processing', 'done', 'failed', 'ignored')),
  attempts        integer NOT NULL DEFAULT 0,
  error           text,
  received_at     timestamptz NOT NULL DEFAULT now(),
  processed_at    timestamptz
);
CREATE INDEX github_deliveries_queued ON github_deliveries (received_at) WHERE status = 'queued';
`;
