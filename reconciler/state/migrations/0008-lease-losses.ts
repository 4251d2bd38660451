// How often a phase lost its worker (its lease expired). A lost worker is the
// infrastructure's fault, not the step's: the phase is queued again with one more attempt
// instead of spending one of its retries — up to a bound, so that a phase that kills its
// worker every time does not go round forever.
export const sql = /* sql */ `
ALTER TABLE phases ADD COLUMN lease_losses integer NOT NULL DEFAULT 0;
`;
