// Deployments remember whether their environment is protected, so that the ops API can hold
// runs there to what was applied from the default branch. And TRUNCATE, which row triggers
// do not see, is refused on the append-only tables as UPDATE and DELETE already are.
export const sql = /* sql */ `
ALTER TABLE deployments ADD COLUMN protected boolean NOT NULL DEFAULT false;

CREATE TRIGGER run_events_no_truncate BEFORE TRUNCATE ON run_events FOR EACH STATEMENT EXECUTE FUNCTION lakespec_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION lakespec_append_only();
`;
