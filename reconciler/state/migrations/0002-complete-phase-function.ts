// Completing a phase in one round trip: the phase, its event, closing the run (with its
// output manifest) and waking workers, as one server-side function. Each statement in a
// VOLATILE plpgsql function takes a fresh snapshot under READ COMMITTED, so counting the
// run's phases after locking its row sees every completion committed before ours.
export const sql = /* sql */ `
CREATE FUNCTION lakespec_output_manifest(p_run uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'phases', (SELECT coalesce(jsonb_object_agg(name, jsonb_build_object('status', status, 'output', coalesce(output, '{}'::jsonb))), '{}'::jsonb) FROM phases WHERE run_id = p_run),
    'artifacts', (SELECT coalesce(jsonb_agg(jsonb_build_object('phase', phase, 'name', name, 'sha256', sha256) ORDER BY phase, name), '[]'::jsonb) FROM run_artifacts WHERE run_id = p_run))
$$;

CREATE FUNCTION lakespec_complete_phase(p_id uuid, p_token text, p_output jsonb) RETURNS SETOF phases LANGUAGE plpgsql AS $$
DECLARE
  d phases;
  r_status text;
  n_total integer;
  n_done integer;
  n_failed integer;
  n_queued integer;
BEGIN
  UPDATE phases SET status = 'succeeded', finished_at = now(), lease_token = NULL, lease_expires_at = NULL, output = p_output
   WHERE id = p_id AND lease_token::text = p_token AND status = 'running' AND lease_expires_at > now()
   RETURNING * INTO d;
  IF NOT FOUND THEN
    RETURN; -- the caller explains the conflict
  END IF;
  INSERT INTO run_events (event_id, run_id, workspace_id, phase, level, type, message, payload)
  VALUES (d.id || ':PHASE_SUCCEEDED', d.run_id, d.workspace_id, d.name, 'info', 'PHASE_SUCCEEDED',
          d.name || ' succeeded (attempt ' || d.attempts || ')', jsonb_build_object('attempt', d.attempts, 'output', p_output))
  ON CONFLICT (event_id) DO NOTHING;
  -- NO KEY UPDATE: the KEY SHARE locks of inserted events must not conflict with it.
  SELECT status INTO r_status FROM runs WHERE id = d.run_id FOR NO KEY UPDATE;
  IF r_status IN ('queued', 'running') THEN
    SELECT count(*), count(*) FILTER (WHERE status IN ('succeeded', 'skipped')), count(*) FILTER (WHERE status = 'failed'), count(*) FILTER (WHERE status = 'queued')
      INTO n_total, n_done, n_failed, n_queued FROM phases WHERE run_id = d.run_id;
    IF n_failed = 0 AND n_done = n_total THEN
      UPDATE runs SET status = 'succeeded', finished_at = now(), output_manifest = lakespec_output_manifest(d.run_id) WHERE id = d.run_id;
      INSERT INTO run_events (event_id, run_id, workspace_id, level, type, message, payload)
      VALUES (d.run_id || ':RUN_SUCCEEDED', d.run_id, d.workspace_id, 'info', 'RUN_SUCCEEDED',
              'run succeeded (' || n_total || ' phase' || CASE WHEN n_total = 1 THEN '' ELSE 's' END || ')', '{}'::jsonb)
      ON CONFLICT (event_id) DO NOTHING;
    ELSIF n_queued > 0 THEN
      PERFORM pg_notify('lakespec_phases', '');
    END IF;
  END IF;
  RETURN NEXT d;
END $$;

GRANT EXECUTE ON FUNCTION lakespec_complete_phase(uuid, text, jsonb), lakespec_output_manifest(uuid) TO lakespec_scoped;
`;
