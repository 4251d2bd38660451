// Claiming as server-side functions, for two reasons measured with four workers draining
// 4 000 queued one-phase runs:
//  - A prepared claim is planned once per connection, often while the queue is still empty;
//    with those statistics the planner chose a bitmap scan of every queued phase plus a sort,
//    so a backlog of N phases cost O(N) per claim (376/s, 6 100 buffer reads per claim).
//    lakespec_claim plans with sorting and bitmap scans disabled, so the only plan left
//    walks phases_runnable in order and stops at the first runnable rows, and the phases it
//    picked are declared as few (ROWS), so they are joined by primary key, whatever the
//    statistics say.
//  - A worker completes what finished and claims the next phases in one statement
//    (lakespec_complete_and_claim): one round trip and no transaction left open between
//    round trips (an open writing transaction holds back the horizon below which the claim
//    can skip dead index entries).
// The run and dependency tests are per-row subplans for the same reason as the order: a join
// would examine every queued phase.
export const sql = /* sql */ `
CREATE FUNCTION lakespec_runnable_phases(p_executors text[], p_workspace text, p_run uuid, p_limit integer)
RETURNS SETOF uuid LANGUAGE sql VOLATILE ROWS 1 SET enable_indexscan = on SET enable_sort = off SET enable_bitmapscan = off AS $$
  SELECT p.id FROM phases p
  WHERE p.status = 'queued' AND p.available_at <= now()
    AND (p_executors IS NULL OR p.executor = ANY(p_executors))
    AND (p_workspace IS NULL OR p.workspace_id = p_workspace)
    AND (p_run IS NULL OR p.run_id = p_run)
    AND (SELECT r.status FROM runs r WHERE r.id = p.run_id) IN ('queued', 'running')
    AND (cardinality(p.depends_on) = 0 OR NOT EXISTS (SELECT 1 FROM phases d WHERE d.run_id = p.run_id AND d.position = ANY(p.depends_on) AND d.status <> 'succeeded'))
  ORDER BY p.available_at
  LIMIT p_limit FOR UPDATE OF p SKIP LOCKED
$$;

-- Picks, leases, marks the run running and records PHASE_CLAIMED (and PHASE_STARTED for a
-- worker that starts at once) in one statement.
CREATE FUNCTION lakespec_claim(p_worker text, p_executors text[], p_workspace text, p_run uuid, p_limit integer, p_lease_seconds double precision, p_start boolean)
RETURNS TABLE (id uuid, run_id uuid, name text, executor text, input jsonb, attempts integer, max_attempts integer, timeout_seconds integer,
               lease_expires_at timestamptz, lease_token text, workspace_id text, environment text, spec_slug text, git_sha text)
LANGUAGE sql VOLATILE ROWS 1 SET enable_indexscan = on SET enable_seqscan = off SET enable_bitmapscan = off AS $$
  WITH claimed AS (
    UPDATE phases SET status = 'running', attempts = phases.attempts + 1, lease_token = gen_random_uuid(),
      lease_expires_at = now() + make_interval(secs => p_lease_seconds), heartbeat_at = now(), worker = p_worker, started_at = now(), error = NULL
    WHERE phases.id = ANY(ARRAY(SELECT lakespec_runnable_phases(p_executors, p_workspace, p_run, p_limit)))
    RETURNING phases.*
  ), started AS (
    UPDATE runs SET status = 'running', started_at = coalesce(started_at, now())
    WHERE runs.id = ANY(ARRAY(SELECT c.run_id FROM claimed c)) AND runs.status = 'queued'
  ), logged AS (
    INSERT INTO run_events (event_id, run_id, workspace_id, phase, level, type, message, payload)
    SELECT c.id || ':PHASE_CLAIMED:' || c.attempts, c.run_id, c.workspace_id, c.name, 'info', 'PHASE_CLAIMED',
           c.name || ' claimed by ' || p_worker || ' (attempt ' || c.attempts || ' of ' || c.max_attempts || ')',
           jsonb_build_object('worker', p_worker, 'attempt', c.attempts)
    FROM claimed c
    UNION ALL
    SELECT c.id || ':PHASE_STARTED:' || c.attempts, c.run_id, c.workspace_id, c.name, 'info', 'PHASE_STARTED',
           c.name || ' started on ' || p_worker, jsonb_build_object('worker', p_worker, 'attempt', c.attempts)
    FROM claimed c WHERE p_start
    ON CONFLICT (event_id) DO NOTHING
  )
  SELECT c.id, c.run_id, c.name, c.executor, c.input, c.attempts, c.max_attempts, c.timeout_seconds, c.lease_expires_at, c.lease_token::text,
         r.workspace_id, r.environment, r.spec_slug, r.git_sha
  FROM claimed c JOIN runs r ON r.id = c.run_id
$$;

-- Completes the given phases, in the order given (callers order them by run, then phase, so
-- that two workers lock rows in the same order), then claims up to p_limit. A phase whose
-- token no longer holds its lease is not completed; the others are. Returns the completed
-- phases (completed = true, id only) and the claims (completed = false). Each statement in
-- it takes a fresh snapshot, so the claim sees the completions: a phase that only waited for
-- one of them can be claimed at once.
CREATE FUNCTION lakespec_complete_and_claim(p_ids uuid[], p_tokens text[], p_outputs jsonb[], p_worker text, p_executors text[], p_run uuid, p_limit integer, p_lease_seconds double precision, p_start boolean)
RETURNS TABLE (completed boolean, id uuid, run_id uuid, name text, executor text, input jsonb, attempts integer, max_attempts integer, timeout_seconds integer,
               lease_expires_at timestamptz, lease_token text, workspace_id text, environment text, spec_slug text, git_sha text)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  FOR i IN 1 .. coalesce(cardinality(p_ids), 0) LOOP
    RETURN QUERY SELECT true, ph.id, ph.run_id, NULL::text, NULL::text, NULL::jsonb, NULL::integer, NULL::integer, NULL::integer, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text
      FROM lakespec_complete_phase(p_ids[i], p_tokens[i], p_outputs[i]) ph;
  END LOOP;
  IF p_limit > 0 THEN
    RETURN QUERY SELECT false, c.* FROM lakespec_claim(p_worker, p_executors, NULL, p_run, p_limit, p_lease_seconds, p_start) c;
  END IF;
END $$;

GRANT EXECUTE ON FUNCTION lakespec_runnable_phases(text[], text, uuid, integer),
  lakespec_claim(text, text[], text, uuid, integer, double precision, boolean),
  lakespec_complete_and_claim(uuid[], text[], jsonb[], text, text[], uuid, integer, double precision, boolean) TO lakespec_scoped;
`;
