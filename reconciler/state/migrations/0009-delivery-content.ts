// A delivery is known by its content too: the delivery id is not covered by the signature,
// so a captured payload replayed under a new id would otherwise be worked on again. The
// sha256 of the event name and the signed body is unique (rows from before carry none).
export const sql = /* sql */ `
ALTER TABLE github_deliveries ADD COLUMN payload_sha256 text;
CREATE UNIQUE INDEX github_deliveries_payload ON github_deliveries (payload_sha256);
`;
