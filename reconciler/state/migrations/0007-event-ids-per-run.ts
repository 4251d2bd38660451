// An event id is unique within its run, not across all runs: a client that numbers its
// events per run (or reuses an id in a new run) would otherwise see the second run's event
// dropped silently. The functions that append events are created again with the new
// conflict target (their bodies are those of migrations 2 and 5, unchanged otherwise).
import { sql as completePhase } from './0002-complete-phase-function.js';
import { sql as claimFunctions } from './0005-claim-functions.js';

const perRun = (sql: string) => sql.replace(/CREATE FUNCTION/g, 'CREATE OR REPLACE FUNCTION').replace(/ON CONFLICT \(event_id\)/g, 'ON CONFLICT (run_id, event_id)');

export const sql = /* sql */ `
ALTER TABLE run_events DROP CONSTRAINT run_events_event_id_key;
ALTER TABLE run_events ADD CONSTRAINT run_events_run_event_id UNIQUE (run_id, event_id);
${perRun(completePhase)}
${perRun(claimFunctions)}
`;
